#!/usr/bin/env python
import os
import sys

# Long-running servers set their own context per request or task.
SERVERS = {"runserver", "runall"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django
    from django.core.management import execute_from_command_line

    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command in SERVERS or command.startswith("-") or not command:
        execute_from_command_line(sys.argv)
        return
    django.setup()
    import pghistory

    # Every change an operator's command makes is attributed to it in the audit.
    with pghistory.context(source="command", command=command):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
