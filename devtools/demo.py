"""`make demo`: migrate, onboard the demo data, then serve web + worker + beat (honcho).

Runs under ``devtools.devservices run`` so PostgreSQL and Redis are already resolved.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def manage(*args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    sandbox_port = int(os.environ.get("SANDBOX_PORT", "8765"))
    for name, number in (("PORT", port), ("SANDBOX_PORT", sandbox_port)):
        if not port_free(number):
            print(
                f"Lỗi: cổng {number} đang được một chương trình khác dùng.\n"
                f"Chọn cổng khác, ví dụ:  make demo {name}={number + 10}",
                file=sys.stderr,
            )
            return 1
    try:
        manage("migrate_schemas", "--shared", "-v", "0")
        manage("demo_setup")
        manage("migrate_schemas", "--tenant", "-v", "0")
    except subprocess.CalledProcessError as exc:
        print(f"Lỗi khi chuẩn bị dữ liệu demo (mã {exc.returncode}); xem thông báo phía trên.", file=sys.stderr)
        return 1
    base = os.environ.get("BASE_DOMAIN", "localhost")
    print(
        "\n================ Một cửa điện tử — demo ================\n"
        f"  Trang điều hành (vận hành):  http://{base}:{port}/         đăng nhập: operator / MotCua@2026\n"
        f"  Quản trị Django:             http://{base}:{port}/admin/\n"
        f"  Hải Phòng (cán bộ):          http://haiphong.{base}:{port}/staff/   đăng nhập: admin / MotCua@2026\n"
        f"  Lạng Sơn (cán bộ):           http://langson.{base}:{port}/staff/    đăng nhập: admin / MotCua@2026\n"
        "  operator và admin: lần đăng nhập đầu tiên sẽ đăng ký ứng dụng xác thực (mã QR), sau đó nhập mã 6 số.\n"
        f"  Sức khỏe:                    http://{base}:{port}/readyz\n"
        f"  VNPay sandbox (thẻ thử NCB 9704198526191432198, NGUYEN VAN A, 07/15, OTP 123456): "
        f"http://127.0.0.1:{sandbox_port}/\n"
        "  Ctrl-C dừng tất cả (web, worker, beat).\n"
        "==========================================================\n",
        flush=True,
    )
    env = {**os.environ, "PORT": str(port), "SANDBOX_PORT": str(sandbox_port)}
    try:
        honcho = [str(ROOT / ".venv/bin/honcho"), "start", "-f", str(ROOT / "Procfile")]
        return subprocess.call(honcho, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
