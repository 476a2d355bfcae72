"""The mixed load of the `soak` benchmark: staff and citizens over real HTTP (httpx), paced, with every answer
kept (route, status, latency) and every piece of work the server said it did (receptions, IPNs answered 00).

One *operation* is one user action: a reception (a POST of the reception form), a dossier's page (the receiver
reads the code), a worklist or search page, a tracking lookup, a payment (the pay page, the checkout that sends
the citizen to the VNPay sandbox, then the gateway's IPN for that attempt, signed with the terminal's secret),
an Excel export of a worklist. ``Load.paced`` starts operations at a fixed rate (open loop: a slow server does
not slow the arrivals), ``Load.closed`` runs receptions back to back (the calibration).
"""

from __future__ import annotations

import queue
import random
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx

DETAIL_RE = re.compile(r"/staff/dossiers/(\d+)/$")
CODE_RE = re.compile(r"<h1>Hồ sơ ([^<(]+)</h1>")
PAY_RE = re.compile(r'href="/thanh-toan/([A-Za-z0-9_\-]+)/"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(r'name="key" value="([^"]+)"')

# The mix, by weight (operations). A payment needs a payable dossier found by tracking; an operation whose
# input does not exist yet (no dossier received so far) is a reception instead.
MIX = {"reception": 30, "detail": 10, "worklist": 14, "search": 8, "tracking": 18, "payment": 16, "export": 4}
WORKLIST_KEYS = ["thu-ly", "cho-bo-sung", "sap-den-han", "qua-han", "tiep-nhan"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Cường", "Phạm Thu Hà", "Đặng Thị Hương", "Vũ Đức Nam"]


@dataclass
class Shop:
    """What the load needs to know of the tenant (ids and the terminal's secret)."""

    base: str
    host: str
    procedure: int
    desk: int
    tmn_code: str
    secret: str
    sign_in: object  # (client, base, username) -> response: the sign-in with the second factor
    receiver: str
    processor: str


@dataclass
class Record:
    """Everything measured, shared by the load's threads (one lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: list[tuple[float, str, int, float]] = field(default_factory=list)  # (t, route, status, ms)
    received: list[int] = field(default_factory=list)  # dossier ids the server said it received (302)
    codes: list[str] = field(default_factory=list)
    tokens: queue.Queue = field(default_factory=queue.Queue)  # payment requests found open, to pay
    seen_tokens: set[str] = field(default_factory=set)
    ipn_00: dict[str, int] = field(default_factory=dict)  # txn_ref -> amount (VND): answered 00 (applied)
    ipn_replies: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ops: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    late_ms: list[float] = field(default_factory=list)
    shed: int = 0
    no_answer: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # "route: ErrorType" -> n

    def sample(self, route: str, status: int, ms: float) -> None:
        with self.lock:
            self.samples.append((time.monotonic(), route, status, ms))


class _User:
    """One load thread's browsers: a receiver's and a processor's signed-in sessions, and a citizen's."""

    def __init__(self, shop: Shop, rec: Record) -> None:
        self.shop, self.rec = shop, rec
        self.staff = self._signed_in(shop.receiver)
        self.processor = self._signed_in(shop.processor)
        self.citizen = httpx.Client(timeout=60, follow_redirects=False, headers={"Host": shop.host})
        self.csrf = self._csrf(self.staff, "/staff/dossiers/tiep-nhan/")

    def _signed_in(self, username: str) -> httpx.Client:
        client = httpx.Client(timeout=60, follow_redirects=False, headers={"Host": self.shop.host})
        for _ in range(5):  # a sign-in answered during a fault is tried again, as a person would
            try:
                r = self.shop.sign_in(client, self.shop.base, username)
                if r.status_code == 302 and "/xac-thuc/" not in r.headers.get("Location", ""):
                    return client
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise RuntimeError(f"could not sign in as {username}")

    def _csrf(self, client: httpx.Client, path: str) -> str:
        page = self._get(client, "reception_form", path)
        return CSRF_RE.search(page.text).group(1)

    def _call(self, route: str, fn, *args, **kwargs) -> httpx.Response | None:  # noqa: ANN001
        start = time.perf_counter()
        try:
            r = fn(*args, **kwargs)
        except httpx.HTTPError as exc:
            self.rec.sample(route, 0, (time.perf_counter() - start) * 1000)  # 0: no answer at all
            with self.rec.lock:
                self.rec.no_answer[f"{route}: {type(exc).__name__}"] += 1
            return None
        self.rec.sample(route, r.status_code, (time.perf_counter() - start) * 1000)
        return r

    def _get(self, client: httpx.Client, route: str, path: str, **params: str) -> httpx.Response | None:
        return self._call(route, client.get, self.shop.base + path, params=params or None)

    # --- operations -------------------------------------------------------------------------------------
    def reception(self) -> None:
        n = random.randrange(10**6)
        data = {"csrfmiddlewaretoken": self.csrf, "procedure": self.shop.procedure,
                "receiving_unit": self.shop.desk, "applicant_kind": "person",
                "applicant_name": f"{random.choice(NAMES)} {n}", "id_number": f"0312{n:08d}",
                "address": "Số 1 Lạch Tray, Ngô Quyền, Hải Phòng", "phone": f"09{n:08d}",
                "email": f"soak{n}@example.vn"}
        r = self._call("reception", self.staff.post, self.shop.base + "/staff/dossiers/tiep-nhan/", data=data,
                       headers={"Referer": self.shop.base + "/staff/dossiers/tiep-nhan/"})
        if r is not None and r.status_code == 302 and (m := DETAIL_RE.search(r.headers.get("Location", ""))):
            with self.rec.lock:
                self.rec.received.append(int(m.group(1)))

    def detail(self) -> None:
        with self.rec.lock:
            dossier_id = random.choice(self.rec.received[-200:])
        r = self._get(self.staff, "detail", f"/staff/dossiers/{dossier_id}/")
        if r is not None and r.status_code == 200 and (m := CODE_RE.search(r.text)):
            with self.rec.lock:
                self.rec.codes.append(m.group(1).strip())

    def worklist(self) -> None:
        client = self.processor if random.random() < 0.5 else self.staff
        self._get(client, "worklist", "/staff/dossiers/", ds=random.choice(WORKLIST_KEYS))

    def search(self) -> None:
        with self.rec.lock:
            code = random.choice(self.rec.codes) if self.rec.codes and random.random() < 0.3 else ""
        q = code or random.choice(["nguyen van", "huong", "tran thi binh", "0312"])
        self._get(self.staff, "search", "/staff/dossiers/", q=q)

    def tracking(self) -> None:
        with self.rec.lock:
            code = random.choice(self.rec.codes[-300:])
        r = self._get(self.citizen, "tracking", "/tra-cuu/", ma=code)
        if r is not None and r.status_code == 200 and (m := PAY_RE.search(r.text)):
            with self.rec.lock:
                if m.group(1) not in self.rec.seen_tokens:
                    self.rec.seen_tokens.add(m.group(1))
                    self.rec.tokens.put(m.group(1))

    def payment(self) -> None:
        token = self.rec.tokens.get_nowait()
        path = f"/thanh-toan/{token}/"
        page = self._get(self.citizen, "pay_page", path)
        if page is None or page.status_code != 200:
            return
        csrf, key = CSRF_RE.search(page.text), KEY_RE.search(page.text)
        if not (csrf and key):
            return  # already paid (a page without the form)
        r = self._call("checkout", self.citizen.post, self.shop.base + path,
                       data={"csrfmiddlewaretoken": csrf.group(1), "key": key.group(1)},
                       headers={"Referer": self.shop.base + path})
        if r is None or r.status_code != 302:
            self.rec.tokens.put(token)  # "try again later": the citizen comes back
            return
        sent = {k: v[0] for k, v in parse_qs(urlsplit(r.headers["Location"]).query).items()}
        txn_ref, amount = sent["vnp_TxnRef"], int(sent["vnp_Amount"]) // 100
        self._ipn(txn_ref, amount)
        if random.random() < 0.1:
            self._ipn(txn_ref, amount)  # the gateway's retry of an IPN already answered: 02, changes nothing

    def _ipn(self, txn_ref: str, amount: int) -> None:
        from billing.gateways.vnpay import signed_query

        params = {"vnp_TmnCode": self.shop.tmn_code, "vnp_Amount": str(amount * 100), "vnp_BankCode": "NCB",
                  "vnp_BankTranNo": f"VNP{txn_ref[-8:]}", "vnp_CardType": "ATM", "vnp_PayDate": time.strftime(
                      "%Y%m%d%H%M%S"), "vnp_OrderInfo": "Thanh toan phi le phi", "vnp_ResponseCode": "00",
                  "vnp_TransactionNo": str(random.randrange(10**7, 10**8)), "vnp_TransactionStatus": "00",
                  "vnp_TxnRef": txn_ref}
        r = self._call("ipn", self.citizen.get,
                       f"{self.shop.base}/thanh-toan/vnpay/ipn?{signed_query(params, self.shop.secret)}")
        if r is None:
            return
        code = r.json().get("RspCode", "?") if r.status_code == 200 else str(r.status_code)
        with self.rec.lock:
            self.rec.ipn_replies[code] += 1
            if code == "00":
                self.rec.ipn_00[txn_ref] = amount

    def export(self) -> None:
        self._get(self.staff, "export", "/staff/dossiers/", ds=random.choice(["cho-bo-sung", "sap-den-han"]),
                  xuat="excel")

    def run(self, op: str) -> str:
        """Run ``op`` or, when its input does not exist yet, a reception. Returns what was run."""
        with self.rec.lock:
            ready = {"detail": bool(self.rec.received), "search": True, "tracking": bool(self.rec.codes),
                     "payment": not self.rec.tokens.empty()}.get(op, True)
        if not ready:
            op = "reception"
        try:
            getattr(self, op)()
        except queue.Empty:  # another thread took the last payable request
            op = "reception"
            self.reception()
        with self.rec.lock:
            self.rec.ops[op] += 1
        return op

    def close(self) -> None:
        for c in (self.staff, self.processor, self.citizen):
            c.close()


class Load:
    def __init__(self, shop: Shop, rec: Record, *, threads: int) -> None:
        self.shop, self.rec, self.threads = shop, rec, threads
        self.users: list[_User] = []

    def sign_in_all(self) -> None:
        self.users = [_User(self.shop, self.rec) for _ in range(self.threads)]

    def closed(self, seconds: float, *, threads: int) -> float:
        """Receptions back to back from ``threads`` threads; returns receptions answered success per second."""
        before = len(self.rec.received)
        stop = time.monotonic() + seconds

        def loop(user: _User) -> None:
            while time.monotonic() < stop:
                user.reception()

        start = time.monotonic()
        workers = [threading.Thread(target=loop, args=(u,)) for u in self.users[:threads]]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return (len(self.rec.received) - before) / (time.monotonic() - start)

    def paced(self, seconds: float, rate: float, *, at: dict[float, object] | None = None) -> float:
        """Operations of the mix started at ``rate`` per second for ``seconds``; ``at`` maps an offset (s) to a
        callable run then (the faults, the memory samples). Returns operations completed per second."""
        tickets: queue.Queue = queue.Queue(maxsize=self.threads * 4)
        done = [0]
        names, weights = list(MIX), list(MIX.values())

        def work(user: _User) -> None:
            while (ticket := tickets.get()) is not None:
                with self.rec.lock:
                    self.rec.late_ms.append((time.monotonic() - ticket) * 1000)
                user.run(random.choices(names, weights)[0])
                with self.rec.lock:
                    done[0] += 1

        workers = [threading.Thread(target=work, args=(u,)) for u in self.users]
        for w in workers:
            w.start()
        events = sorted((at or {}).items())
        start = time.monotonic()
        n = 0
        while (now := time.monotonic()) - start < seconds:
            while events and now - start >= events[0][0]:
                threading.Thread(target=events.pop(0)[1]).start()  # a fault never pauses the arrivals
            due = start + n / rate
            if now < due:
                time.sleep(min(due - now, 0.05))
                continue
            try:
                tickets.put_nowait(due)
            except queue.Full:  # every thread busy and the queue full: the arrival is dropped, and counted
                with self.rec.lock:
                    self.rec.shed += 1
            n += 1
        for _ in workers:
            tickets.put(None)
        for w in workers:
            w.join()
        return done[0] / (time.monotonic() - start)

    def close(self) -> None:
        for u in self.users:
            u.close()
