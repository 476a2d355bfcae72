"""``python -m billing.gateways.vnpay_sandbox --host 127.0.0.1 --port 8765``"""

from __future__ import annotations

import argparse
import logging

from .app import create_app
from .server import make_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local VNPay v2.1.0 sandbox (pay page, IPN, querydr, refund)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    server = make_server(args.host, args.port, app)
    with app.state.lock:
        codes = ", ".join(sorted(app.state.terminals))
    print(f"VNPay sandbox on http://{args.host}:{server.server_address[1]} (terminals: {codes})", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        app.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
