"""A tiny SMTP server for the fault tests: every message it accepts is one JSON line in ``--out``
(recipients, subject). Run as ``python -m tests.faults.smtp_sink --port P --out FILE``; the tests pause it
(SIGSTOP) so that a sending worker hangs in the SMTP conversation, and count what it received."""

from __future__ import annotations

import argparse
import json
import warnings
from email import message_from_bytes

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd


class Sink(smtpd.SMTPServer):
    def __init__(self, port: int, out: str) -> None:
        super().__init__(("127.0.0.1", port), None, decode_data=False)
        self.out = out

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):  # noqa: ANN001, ANN003, ANN201
        msg = message_from_bytes(data)
        with open(self.out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"to": rcpttos, "subject": str(msg.get("Subject", ""))}) + "\n")
            fh.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    Sink(args.port, args.out)
    asyncore.loop(timeout=0.2)


if __name__ == "__main__":
    main()
