"""Nightly backups (public schema): one task fans out one backup task per open tenant."""

from __future__ import annotations

from celery import shared_task

from control.backups import selectors, services


@shared_task(name="control.backups.tasks.backup_all", bind=True)
def backup_all(self) -> list[str]:  # noqa: ANN001
    """Enqueue the backup of every open tenant (each one fails or succeeds on its own), on the queue this
    run came from."""
    queue = (self.request.delivery_info or {}).get("routing_key") or None
    slugs = selectors.open_tenant_slugs()
    for slug in slugs:
        backup_tenant.apply_async(args=[slug], queue=queue)
    return slugs


@shared_task(name="control.backups.tasks.backup_tenant")
def backup_tenant(slug: str) -> dict:
    backup = services.backup_tenant(slug=slug)
    return {"slug": slug, "path": backup.path, "size": backup.size, "rows": backup.rows, "files": backup.files}
