"""Dossiers, their files, their append-only audit trail and deadline alerts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from core.audit.append_only import AppendOnly
from tenants.dossiers.states import ACTIVE, Action, Status


class Dossier(models.Model):
    class Channel(models.TextChoices):
        COUNTER = "counter", "Trực tiếp tại Bộ phận Một cửa"
        ONLINE = "online", "Trực tuyến"
        POST = "post", "Qua bưu chính"

    class ApplicantKind(models.TextChoices):
        PERSON = "person", "Công dân"
        COMPANY = "company", "Tổ chức, doanh nghiệp"

    class ReturnMethod(models.TextChoices):
        IN_PERSON = "in_person", "Trực tiếp"
        POST = "post", "Qua bưu chính"
        ONLINE = "online", "Trực tuyến"

    class DeadlineFlag(models.TextChoices):
        NONE = "", "Trong hạn"
        NEAR_DUE = "near_due", "Sắp đến hạn"
        OVERDUE = "overdue", "Quá hạn"

    # Unique through Meta.constraints: a unique field would also get a varchar_pattern_ops index nothing reads.
    code = models.CharField("mã hồ sơ", max_length=80, null=True, blank=True)
    # Foreign keys that lead one of the indexes below get no single-column index of their own (every index
    # costs every reception).
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers",
                                  db_index=False)
    process_version = models.ForeignKey("dossiers.ProcessVersion", on_delete=models.PROTECT, related_name="+")
    current_step = models.ForeignKey("dossiers.ProcessStep", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    receiving_unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+",
                                       db_index=False)
    handling_unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+",
                                      db_index=False)
    current_unit = models.ForeignKey("organization.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", db_index=False)
    current_role = models.CharField(max_length=20, blank=True)
    channel = models.CharField("hình thức nộp", max_length=10, choices=Channel.choices, default=Channel.COUNTER)

    applicant_kind = models.CharField("loại người nộp", max_length=10, choices=ApplicantKind.choices,
                                      default=ApplicantKind.PERSON)
    applicant_name = models.CharField("họ tên / tên tổ chức", max_length=200)
    applicant_name_norm = models.CharField(max_length=200, editable=False)
    id_number = models.CharField("số định danh / mã số thuế", max_length=13)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    phone = models.CharField("số điện thoại", max_length=15, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    documents_checked = models.JSONField("giấy tờ đã nhận", default=list, blank=True)
    # The procedure's required documents as they were at reception, each ticked or not: the receipt
    # (form 01) shows them as received even after a catalogue update renamed or removed some.
    # [{"id": 12, "name": "Tờ khai ...", "received": true}, ...]; NULL for dossiers received before it.
    documents_received = models.JSONField("thành phần hồ sơ khi tiếp nhận", null=True, blank=True)
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="dossiers")

    status = models.CharField("trạng thái", max_length=24, choices=Status.choices, default=Status.SUBMITTED)
    version = models.PositiveIntegerField(default=1)
    deadline_flag = models.CharField(max_length=10, choices=DeadlineFlag.choices, default="", blank=True)

    submitted_at = models.DateTimeField("ngày nộp", null=True, blank=True)
    received_at = models.DateTimeField("ngày tiếp nhận", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    due_at = models.DateTimeField("ngày hẹn trả", null=True, blank=True)
    original_due_at = models.DateTimeField("ngày hẹn trả ban đầu", null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    step_paused_seconds = models.IntegerField(default=0)
    finished_at = models.DateTimeField("ngày kết thúc xử lý", null=True, blank=True)
    returned_at = models.DateTimeField("ngày trả kết quả", null=True, blank=True)
    return_method = models.CharField("hình thức trả", max_length=10, choices=ReturnMethod.choices, blank=True)
    result_code = models.CharField("số kết quả", max_length=80, blank=True)
    reason = models.TextField("lý do (từ chối, bổ sung, tạm dừng, gia hạn)", blank=True)

    fee_total_vnd = models.BigIntegerField("phí, lệ phí (VND)", default=0)
    fee_paid_vnd = models.BigIntegerField("đã nộp (VND)", default=0)
    payment_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        constraints = [models.UniqueConstraint(fields=["code"], name="dossier_code_unique")]
        indexes = [
            # Worklists: the current unit + role, oldest deadline first.
            models.Index(fields=["current_unit", "current_role", "status", "due_at"], name="dossier_worklist"),
            models.Index(fields=["due_at"], name="dossier_active_due", condition=models.Q(status__in=sorted(ACTIVE))),
            models.Index(fields=["id_number"], name="dossier_id_number"),
            models.Index(fields=["-received_at"], name="dossier_received"),
            models.Index(fields=["procedure", "-received_at"], name="dossier_procedure_received"),
            models.Index(fields=["handling_unit", "-received_at"], name="dossier_handling_received"),
            models.Index(fields=["receiving_unit", "-received_at"], name="dossier_receiving_received"),
            models.Index(Upper("code"), name="dossier_code_upper"),
            # Name search reads DossierNameKey (below), kept by a database trigger.
        ]

    def __str__(self) -> str:
        return self.code or f"Hồ sơ #{self.pk}"

    def received_documents(self) -> list[dict]:
        """The required documents at reception, ticked or not (older dossiers: the procedure's current list)."""
        if self.documents_received is not None:
            return self.documents_received
        checked = set(self.documents_checked or [])
        return [{"id": d.pk, "name": d.name, "received": d.pk in checked} for d in self.procedure.documents.all()]

    @property
    def clock_stopped(self) -> bool:
        from tenants.dossiers.states import CLOCK_STOPPED

        return self.status in CLOCK_STOPPED


class DossierNameKey(models.Model):
    """Name search keys: one row per word of the applicant's normalised name, holding the name from that word
    on ("dang thi huong" -> "dang thi huong", "thi huong", "huong"), so a search for words that begin a name
    or any later word is a prefix range scan of one btree (cost in proportion to the matches, not to the
    table). ``received_at`` is the dossier's reception time (year 9999 until received: newest first, as NULL
    is in ``received_at DESC``; finite, so Python can read it), so a newest-first time window is checked inside
    the index.

    Written only by the trigger ``public.dossiers_name_keys`` (migration 0003) on insert of a dossier and on
    update of its name or reception time, whatever path writes the dossier (service, bulk insert, raw SQL).
    """

    KEY_LENGTH = 100
    NOT_RECEIVED = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)

    pk = models.CompositePrimaryKey("dossier_id", "key")
    # No FK constraint and no index of its own: the trigger keeps the rows in step (an FK check per key row
    # would cost every reception), and the primary key (dossier_id, key) serves deletes by dossier.
    dossier = models.ForeignKey(Dossier, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                related_name="+")
    key = models.CharField(max_length=KEY_LENGTH, db_collation="C")
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = "khóa tìm theo tên"
        indexes = [models.Index(fields=["key", "received_at"], include=["dossier"], name="dossiernamekey_search")]

    def __str__(self) -> str:
        return self.key


class DossierFile(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", "Thành phần hồ sơ"
        SUPPLEMENT = "supplement", "Hồ sơ bổ sung"
        RESULT = "result", "Kết quả giải quyết"

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DOCUMENT)
    required_document = models.ForeignKey("procedures.RequiredDocument", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="dossiers/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["file"], name="dossierfile_path")]


class DossierEvent(AppendOnly):
    """Audit trail: one row per action. Append-only (no update/delete path; a DB trigger refuses them)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events", db_index=False)
    at = models.DateTimeField("thời điểm")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField("người thực hiện", max_length=200, blank=True)
    action = models.CharField("thao tác", max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    step = models.ForeignKey("dossiers.ProcessStep", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    step_name = models.CharField("bước", max_length=255, blank=True)
    to_step_name = models.CharField("bước tiếp theo", max_length=255, blank=True)
    unit_name = models.CharField("đơn vị", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)
    used_seconds = models.IntegerField("thời gian đã dùng (giây làm việc)", null=True, blank=True)
    budget_seconds = models.IntegerField("thời gian cho phép (giây làm việc)", null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "nhật ký xử lý"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="dossierevent_dossier")]

    @property
    def on_time(self) -> bool | None:
        if self.used_seconds is None or not self.budget_seconds:
            return None
        return self.used_seconds <= self.budget_seconds


class DossierAlert(models.Model):
    """A deadline alert sent once per dossier, kind and due date (makes the deadline watch idempotent)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Dossier.DeadlineFlag.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier", "kind", "due_at"], name="dossieralert_once")]
