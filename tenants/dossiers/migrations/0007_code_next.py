from django.db import migrations

# The reception now takes its code in the statement that writes the dossier, so the code goes into the
# new row instead of a second version of it: an UPDATE of the code (an indexed column) wrote the whole
# row again with an entry in each of its 14 indexes. ``dossiers_code_next`` only takes the number (same
# counter, same skipping of codes issued earlier when a counter starts); ``dossiers_code_take`` stays,
# built on it, for application servers of the previous release during an upgrade.
#
# The scans' foreign keys, now written by the same statement, are checked when written (as the dossier's
# and its events' since 0005), not inside the commit, under the lock.
#
# Like the other functions it lives in public; its unqualified table names resolve through the
# caller's search_path, i.e. the tenant's schema.
NEXT = """
CREATE OR REPLACE FUNCTION public.dossiers_code_next(
    p_key text, p_period text, p_template text, p_width integer
) RETURNS text AS $$
DECLARE
    v bigint;
    c text;
    skipping boolean := false;
    n integer := 0;
BEGIN
    LOOP
        INSERT INTO dossiers_codecounter (key, period, value) VALUES (p_key, p_period, 1)
        ON CONFLICT (key, period) DO UPDATE SET value = dossiers_codecounter.value + 1
        RETURNING value INTO v;
        c := replace(p_template, '{seq}',
                     CASE WHEN length(v::text) >= p_width THEN v::text ELSE lpad(v::text, p_width, '0') END);
        -- A counter that starts (1) inside a block of codes an earlier counter issued skips that block.
        IF v = 1 THEN
            skipping := true;
        END IF;
        EXIT WHEN NOT skipping OR NOT EXISTS (SELECT 1 FROM dossiers_dossier WHERE code = c);
        n := n + 1;
        IF n >= 10000 THEN
            RAISE EXCEPTION 'dossiers_code_next: no free code for %', p_template USING ERRCODE = 'P0002';
        END IF;
    END LOOP;
    RETURN c;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION public.dossiers_code_take(
    p_dossier bigint, p_key text, p_period text, p_template text, p_width integer
) RETURNS text AS $$
DECLARE
    c text := public.dossiers_code_next(p_key, p_period, p_template, p_width);
BEGIN
    UPDATE dossiers_dossier SET code = c WHERE id = p_dossier;
    RETURN c;
END;
$$ LANGUAGE plpgsql;
"""


IMMEDIATE = """
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT k.conname, c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
             WHERE c.relnamespace = current_schema()::regnamespace AND k.contype = 'f'
               AND c.relname = 'dossiers_dossierfile'
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER CONSTRAINT %I DEFERRABLE INITIALLY {when}', r.relname, r.conname);
    END LOOP;
END $$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0006_documents_received'),
    ]

    operations = [
        migrations.RunSQL(NEXT, migrations.RunSQL.noop),
        migrations.RunSQL(IMMEDIATE.format(when="IMMEDIATE"), IMMEDIATE.format(when="DEFERRED")),
    ]
