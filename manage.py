#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.startup import settings_or_exit

    settings_or_exit()  # one line per configuration problem, not a traceback
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
