from django.db import migrations

# Reception's serial section is the counter row lock, held from taking a number until commit: every
# reception of the same counter (one desk, one day) queues on it. Two things shorten it:
#
# 1. One call of a PL/pgSQL function takes the number, skips codes issued earlier when a counter starts,
#    and writes the code on the dossier: one round trip, and plans cached by PL/pgSQL (a plain CTE was
#    planned anew on every reception, under the lock).
# 2. The foreign keys of dossiers and their events are checked when the row is written, not at commit:
#    Django makes them DEFERRABLE INITIALLY DEFERRED, which ran ~11 checks inside the commit, under the
#    lock. They stay DEFERRABLE (SET CONSTRAINTS ... DEFERRED still works).
#
# The function lives in public (shared by every tenant schema, like the triggers); its unqualified
# table names resolve through the caller's search_path, i.e. the tenant's schema.
TAKE = """
CREATE OR REPLACE FUNCTION public.dossiers_code_take(
    p_dossier bigint, p_key text, p_period text, p_template text, p_width integer
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
            RAISE EXCEPTION 'dossiers_code_take: no free code for %', p_template USING ERRCODE = 'P0002';
        END IF;
    END LOOP;
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
               AND c.relname IN ('dossiers_dossier', 'dossiers_dossierevent')
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER CONSTRAINT %I DEFERRABLE INITIALLY {when}', r.relname, r.conname);
    END LOOP;
END $$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0004_fewer_indexes'),
    ]

    operations = [
        migrations.RunSQL(TAKE, migrations.RunSQL.noop),
        migrations.RunSQL(IMMEDIATE.format(when="IMMEDIATE"), IMMEDIATE.format(when="DEFERRED")),
    ]
