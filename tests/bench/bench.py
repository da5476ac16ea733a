#!/usr/bin/python3
"""Start-up benchmark: pflask-runtime against crun and runc (and pflask against unshare+chroot).

A benchmark, not a test: it reports numbers and exits 0 whatever they are (1 only when it
cannot run at all). Needs root. See docs/performance.md for what it measures and why.

One bundle (a real copy of $PFLASK_BUILD/rootfs, since runc refuses a symlinked root; one
config.json made by `pflask-runtime spec`, adjusted) serves every runtime. crun refuses hybrid
cgroups, so the driver makes a private mount namespace with a plain cgroup2 mount on
/sys/fs/cgroup (the "cgroup2 view") and switches between it and the host's with setns(2) between
invocations, so that every runtime is timed in the same view, and pflask-runtime also on the host.
Each operation is one process started with posix_spawn and reaped with wait4; the time is
perf_counter_ns around both. Runtimes alternate round by round, in a rotating order.

Environment: PFLASK_BUILD (build), BENCH_N (100 sequential rounds), BENCH_CONCURRENT_N (200
containers per runtime and concurrency), BENCH_CONCURRENCY ("2,8"), BENCH_CONCURRENT_ROUNDS (4
chunks, alternated), BENCH_RSS_N (20 runs under /usr/bin/time), BENCH_WARMUP (3),
BENCH_TIMEOUT (60 s for one operation, then it is killed and counts as failed), BENCH_OUT
(build/bench/latest.md), BENCH_STRACE=1 (also write `strace -c -f` of one run per runtime to
the output directory), CRUN, RUNC (the binaries; default from PATH).
"""

import ctypes
import datetime
import json
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

CLONE_NEWNS = 0x00020000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_CHILD_SUBREAPER = 36

libc = ctypes.CDLL(None, use_errno=True)


def die(msg):
    print("bench: " + msg, file=sys.stderr)
    sys.exit(1)


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        die("%s must be an integer" % name)


def check(rc, what):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))


class Views:
    """The host's mount namespace and a private one with cgroup2 alone on /sys/fs/cgroup, and
    FRONTEND_STATE bound on /run/pflask: the pflask front end has no --root, and its state root
    must be private too (and on the same file system as the runtimes' --root, for fsync)."""

    def __init__(self, frontend_state):
        self.fds = {"host": os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)}
        self.made_run_pflask = not os.path.exists("/run/pflask")
        os.makedirs("/run/pflask", mode=0o700, exist_ok=True)
        check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make / rprivate")
        check(libc.umount2(b"/sys/fs/cgroup", MNT_DETACH), "umount /sys/fs/cgroup")
        check(libc.mount(b"none", b"/sys/fs/cgroup", b"cgroup2", 0, None), "mount cgroup2")
        os.makedirs(frontend_state, mode=0o700)
        check(libc.mount(frontend_state.encode(), b"/run/pflask", None, MS_BIND, None),
              "bind on /run/pflask")
        self.fds["cgroup2"] = os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
        self.current = "cgroup2"
        self.enter("host")

    def enter(self, name, cwd="/"):
        if name != self.current:
            # setns() of a mount namespace resets the root and cwd: chdir again each time.
            check(libc.setns(self.fds[name], CLONE_NEWNS), "setns " + name)
            self.current = name
        os.chdir(cwd)

    def close(self):
        if "host" in self.fds:
            self.enter("host")
        for fd in self.fds.values():
            os.close(fd)
        self.fds = {}
        if self.made_run_pflask:
            try:
                os.rmdir("/run/pflask")
            except OSError:
                pass


class Spawner:
    """posix_spawn + wait4, stdin and stdout on /dev/null, stderr to a log file per target."""

    def __init__(self, workdir):
        self.devnull = os.open("/dev/null", os.O_RDWR | os.O_CLOEXEC)
        self.workdir = workdir
        self.logs = {}
        self.env = dict(os.environ)
        self.timeout = env_int("BENCH_TIMEOUT", 60)

    def log_fd(self, name):
        if name not in self.logs:
            path = os.path.join(self.workdir, "stderr-%s.log" % name.replace(" ", "_"))
            self.logs[name] = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC)
        return self.logs[name]

    def spawn(self, argv, log):
        acts = [(os.POSIX_SPAWN_DUP2, self.devnull, 0), (os.POSIX_SPAWN_DUP2, self.devnull, 1),
                (os.POSIX_SPAWN_DUP2, self.log_fd(log), 2)]
        return os.posix_spawn(argv[0], argv, self.env, file_actions=acts)

    def timed(self, argv, log):
        """(ok, wall ns, cpu ns of the process and the children it reaped)"""
        arm(self.timeout)   # outside the timed part
        try:
            t0 = time.perf_counter_ns()
            pid = self.spawn(argv, log)
            _, status, ru = os.wait4(pid, 0)
            t1 = time.perf_counter_ns()
        except Timeout:
            kill_wait(pid)
            return False, 0, 0
        finally:
            disarm()
        ok = os.waitstatus_to_exitcode(status) == 0
        return ok, t1 - t0, int((ru.ru_utime + ru.ru_stime) * 1e9)


class Timeout(Exception):
    """A hung runtime must not hang the benchmark: each wait has an alarm (BENCH_TIMEOUT)."""


def on_alarm(*_):
    raise Timeout()


def arm(seconds):
    signal.setitimer(signal.ITIMER_REAL, seconds)


def disarm():
    signal.setitimer(signal.ITIMER_REAL, 0)


def kill_wait(pid):
    print("bench: pid %d still running after BENCH_TIMEOUT, killed" % pid, file=sys.stderr)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def reap_orphans():
    """We are a child subreaper: containers whose runtime exited (create) land here."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def wait_gone(pid, timeout=10.0):
    """Waits until a container's process has exited (untimed, between start and delete)."""
    arm(timeout)
    try:
        os.waitpid(pid, 0)
        return
    except ChildProcessError:
        pass
    except Timeout:
        kill_wait(pid)
        return
    finally:
        disarm()
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        p = select.poll()
        p.register(fd, select.POLLIN)
        p.poll(timeout * 1000)
    finally:
        os.close(fd)


# Section 3: the front end as the issue asks, and the floor; "+net" / "-net" variants make
# the network namespace the same on both sides (pflask makes none without --netif).
FRONTENDS = ["pflask", "pflask+net", "floor", "floor-net"]
FRONTEND_LABELS = {
    "pflask": "`pflask --chroot=ROOTFS -- /bin/true`",
    "pflask+net": "`pflask --netif --chroot=ROOTFS -- /bin/true` (+ network ns)",
    "floor": "`unshare -fmpiun --mount-proc chroot ROOTFS /bin/true` (floor)",
    "floor-net": "`unshare -fmpiu --mount-proc chroot ROOTFS /bin/true` (floor - network ns)",
}


class Runtime:
    """One OCI runtime in one view, with its own state root."""

    def __init__(self, name, binary, view, state, global_args=()):
        self.name, self.binary, self.view = name, binary, view
        self.base = [binary] + list(global_args) + ["--root", state]
        self.live = set()   # IDs created and not yet deleted

    def argv(self, *args):
        return self.base + list(args)


class Bench:
    def __init__(self, cfg):
        self.cfg = cfg
        self.seq = 0
        self.prefix = "pfbench-%d-" % os.getpid()
        self.results = {}
        self.failures = {}

    def new_id(self):
        self.seq += 1
        return "%s%d" % (self.prefix, self.seq)

    def fail(self, key, what):
        self.failures[key] = self.failures.get(key, 0) + 1
        if self.failures[key] == 1:
            print("bench: %s failed (%s); see stderr logs in %s" % (key, what, self.cfg["workdir"]),
                  file=sys.stderr)

    def add(self, section, key, value):
        self.results.setdefault(section, {}).setdefault(key, []).append(value)

    # ---- one operation each ------------------------------------------------------
    def op_run(self, rt, section="run", log=None):
        cid = self.new_id()
        self.views.enter(rt.view, self.cfg["bundle"])
        rt.live.add(cid)
        ok, ns, cpu = self.sp.timed(rt.argv("run", "--bundle", self.cfg["bundle"], cid), log or rt.name)
        if ok:
            rt.live.discard(cid)
            self.add(section, rt.name, ns)
            self.add(section + "-cpu", rt.name, cpu)
        else:
            self.fail(rt.name + " " + section, "run")

    def op_cycle(self, rt):
        cid = self.new_id()
        pidfile = os.path.join(self.cfg["workdir"], cid + ".pid")
        self.views.enter(rt.view, self.cfg["bundle"])
        rt.live.add(cid)
        ok, t_create, _ = self.sp.timed(
            rt.argv("create", "--bundle", self.cfg["bundle"], "--pid-file", pidfile, cid), rt.name)
        if not ok:
            return self.fail(rt.name + " cycle", "create")
        with open(pidfile) as f:
            pid = int(f.read().strip())
        os.unlink(pidfile)
        ok, t_start, _ = self.sp.timed(rt.argv("start", cid), rt.name)
        if not ok:
            return self.fail(rt.name + " cycle", "start")
        wait_gone(pid)
        ok, t_delete, _ = self.sp.timed(rt.argv("delete", cid), rt.name)
        if not ok:
            return self.fail(rt.name + " cycle", "delete")
        rt.live.discard(cid)
        self.add("cycle", rt.name, t_create + t_start + t_delete)
        self.add("cycle-create", rt.name, t_create)
        self.add("cycle-start", rt.name, t_start)
        self.add("cycle-delete", rt.name, t_delete)

    def frontend_argv(self, name):
        rootfs = os.path.join(self.cfg["bundle"], "rootfs")
        if name.startswith("pflask"):
            net = ["--netif"] if name.endswith("+net") else []
            return [self.cfg["pflask"]] + net + ["--chroot=" + rootfs, "--name=" + self.new_id(),
                                                 "--", "/bin/true"]
        flags = "-fmpiun" if name == "floor" else "-fmpiu"
        return [self.cfg["unshare"], flags, "--mount-proc", self.cfg["chroot"], rootfs, "/bin/true"]

    def op_frontend(self, name, section="frontend"):
        self.views.enter("cgroup2", self.cfg["workdir"])
        ok, ns, cpu = self.sp.timed(self.frontend_argv(name), name)
        if ok:
            self.add(section, name, ns)
            self.add(section + "-cpu", name, cpu)
        else:
            self.fail(name + " " + section, "frontend")

    def op_rss(self, key, view, argv, cid=None, rt=None):
        out = os.path.join(self.cfg["workdir"], "rss.txt")
        self.views.enter(view, self.cfg["bundle"])
        if rt is not None:
            rt.live.add(cid)
        ok, _, _ = self.sp.timed([self.cfg["time"], "-f", "%M", "-o", out] + argv, key)
        if not ok:
            return self.fail(key + " rss", "run under /usr/bin/time")
        if rt is not None:
            rt.live.discard(cid)
        with open(out) as f:
            self.add("rss", key, int(f.read().split()[-1]))

    def pool(self, rt, count, conc):
        """count `run`s, at most conc at once; returns wall ns for all of them."""
        self.views.enter(rt.view, self.cfg["bundle"])
        running = {}
        left = count
        arm(self.sp.timeout * (count // conc + 1))
        try:
            t0 = time.perf_counter_ns()
            while left or running:
                while left and len(running) < conc:
                    cid = self.new_id()
                    rt.live.add(cid)
                    pid = self.sp.spawn(rt.argv("run", "--bundle", self.cfg["bundle"], cid),
                                        rt.name)
                    running[pid] = cid
                    left -= 1
                pid, status = os.waitpid(-1, 0)
                cid = running.pop(pid, None)
                if cid is None:
                    continue    # an orphan handed to us as subreaper
                if os.waitstatus_to_exitcode(status) == 0:
                    rt.live.discard(cid)
                else:
                    self.fail("%s concurrent %d" % (rt.name, conc), "run")
            t1 = time.perf_counter_ns()
        except Timeout:
            for pid in running:
                kill_wait(pid)
            self.fail("%s concurrent %d" % (rt.name, conc), "timeout")
            return None
        finally:
            disarm()
        return t1 - t0

    # ---- the five measurements ----------------------------------------------------
    def rounds(self, n, items, fn):
        for r in range(n):
            k = r % len(items)
            for it in items[k:] + items[:k]:
                fn(it)
            reap_orphans()

    def measure(self):
        rts, cfg = self.runtimes, self.cfg
        n = cfg["n"]
        print("bench: warm-up", file=sys.stderr)
        self.rounds(cfg["warmup"], rts + self.extra, lambda rt: self.op_run(rt, section="warmup"))
        print("bench: 1/5 sequential run x%d" % n, file=sys.stderr)
        self.rounds(n, rts + self.extra, self.op_run)
        print("bench: 2/5 create+start+delete x%d" % n, file=sys.stderr)
        self.rounds(n, rts, self.op_cycle)
        if cfg["pflask"]:
            print("bench: 3/5 pflask --chroot vs unshare+chroot x%d" % n, file=sys.stderr)
            self.rounds(cfg["warmup"], FRONTENDS, lambda k: self.op_frontend(k, section="warmup"))
            self.rounds(n, FRONTENDS, self.op_frontend)
        print("bench: 4/5 peak RSS x%d" % cfg["rss_n"], file=sys.stderr)
        items = [(rt.name, rt) for rt in rts]
        if cfg["pflask"]:
            items += [("pflask --chroot", None), ("unshare+chroot", None)]
        self.rounds(cfg["rss_n"], items, self.rss_one)
        print("bench: 5/5 %d containers at concurrency %s" % (cfg["cn"], cfg["conc"]), file=sys.stderr)
        chunks = max(1, cfg["crounds"])
        sizes = [cfg["cn"] // chunks + (1 if i < cfg["cn"] % chunks else 0) for i in range(chunks)]
        for conc in cfg["conc"]:
            for i, size in enumerate(sizes):
                k = i % len(rts)
                for rt in rts[k:] + rts[:k]:
                    ns = self.pool(rt, size, conc)
                    if ns is not None:
                        self.add("conc-%d" % conc, rt.name, (size, ns))
                reap_orphans()

    def rss_one(self, item):
        key, rt = item
        if rt is not None:
            cid = self.new_id()
            self.op_rss(key, rt.view, rt.argv("run", "--bundle", self.cfg["bundle"], cid), cid, rt)
        else:
            self.op_rss(key, "cgroup2", self.frontend_argv("pflask" if key.startswith("pflask")
                                                           else "floor"))

    def strace(self):
        outdir = os.path.dirname(self.cfg["out"])
        for rt in self.runtimes:
            cid = self.new_id()
            tag = "".join(c if c.isalnum() else "-" for c in rt.name).strip("-").replace("--", "-")
            path = os.path.join(outdir, "strace-%s.txt" % tag)
            self.views.enter(rt.view, self.cfg["bundle"])
            rt.live.add(cid)
            ok, _, _ = self.sp.timed(["/usr/bin/strace", "-c", "-f", "-o", path] +
                                     rt.argv("run", "--bundle", self.cfg["bundle"], cid), rt.name)
            if ok:
                rt.live.discard(cid)
                print("bench: wrote " + path, file=sys.stderr)

    # ---- cleanup ---------------------------------------------------------------------
    def quiet(self, argv):
        try:
            subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=self.sp.timeout)
        except subprocess.TimeoutExpired:
            print("bench: clean-up timed out: " + " ".join(argv), file=sys.stderr)

    def cleanup(self):
        for rt in getattr(self, "runtimes", []) + getattr(self, "extra", []):
            if not rt.live:
                continue
            self.views.enter(rt.view)
            for cid in sorted(rt.live):
                self.quiet(rt.argv("delete", "--force", cid))
        # The pflask front end's containers live in the state root bound on /run/pflask.
        fe = Runtime("pflask", self.cfg["binaries"]["pflask-runtime"], "cgroup2",
                     self.cfg["frontend_state"])
        if os.path.isdir(fe.base[-1]):
            self.views.enter("cgroup2")
            for cid in os.listdir(fe.base[-1]):
                if cid.startswith(self.prefix):
                    self.quiet(fe.argv("delete", "--force", cid))
        reap_orphans()
        self.views.enter("host")
        # A runtime that failed half way may leave a cgroup named after the container; the
        # cgroup2 view's cgroups are the host's /sys/fs/cgroup/unified ones.
        for top in ("/sys/fs/cgroup",):
            for dirpath, dirnames, _ in os.walk(top, topdown=False):
                if self.prefix in os.path.basename(dirpath):
                    try:
                        os.rmdir(dirpath)
                    except OSError:
                        pass


# ---- report ------------------------------------------------------------------------------
def ms(ns):
    return "%.2f" % (ns / 1e6)


def ratio(a, b):
    return "%.2fx" % (a / b) if a and b else "-"


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def timing_table(b, section, names, extra=None):
    res = b.results.get(section, {})
    base = {k: statistics.median(res[k]) for k in ("crun", "runc") if res.get(k)}
    head = ["runtime", "n", "median ms", "min ms", "max ms"]
    if extra:
        head += [h for h, _ in extra]
    head += ["vs crun", "vs runc", "failed"]
    rows = []
    for name in names:
        v = res.get(name)
        fails = b.failures.get("%s %s" % (name, section), 0)
        if not v:
            rows.append([name, 0] + ["-"] * (len(head) - 3) + [fails])
            continue
        med = statistics.median(v)
        row = [name, len(v), ms(med), ms(min(v)), ms(max(v))]
        for _, sec in extra or []:
            ev = b.results.get(sec, {}).get(name)
            row.append(ms(statistics.median(ev)) if ev else "-")
        row += [ratio(med, base.get("crun")), ratio(med, base.get("runc")), fails]
        rows.append(row)
    return table(head, rows)


def binary_sizes(paths):
    rows = {}
    for name, path in paths.items():
        real = os.path.realpath(path)
        size = os.path.getsize(real)
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "stripped")
            r = subprocess.run(["strip", "-o", out, real], stderr=subprocess.DEVNULL)
            stripped = os.path.getsize(out) if r.returncode == 0 else size
        ldd = subprocess.run(["ldd", real], capture_output=True, text=True).stdout
        libs = [l.split()[0] for l in ldd.splitlines() if "=>" in l]
        rows[name] = (real, size, stripped, libs)
    return rows


def report(b):
    cfg, names = b.cfg, [rt.name for rt in b.runtimes]
    R = b.results
    uname = platform.uname()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               "?")
    ver = lambda argv: subprocess.run(argv, capture_output=True, text=True).stdout.splitlines()[:1]
    out = ["# pflask start-up benchmark", "",
           "%s, kernel %s, %s, %d CPUs. N=%d sequential rounds, %d containers per concurrency "
           "level, %d RSS samples." % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
                                       uname.release, cpu, os.cpu_count(), cfg["n"], cfg["cn"],
                                       cfg["rss_n"]),
           "Runtimes: " + "; ".join("%s (%s)" % (n, (ver([p, "--version"]) or ["?"])[0])
                                    for n, p in cfg["binaries"].items()) + ".",
           "`(hybrid)`: the host's hybrid cgroups; all others: a private mount namespace with only "
           "cgroup2 on /sys/fs/cgroup (crun with --cgroup-manager=disabled, as it refuses hybrid "
           "cgroups). Wall time of each runtime process, spawn to reap.", ""]
    out += ["## 1. Sequential `run` of /bin/true", "",
            timing_table(b, "run", names + [rt.name for rt in b.extra], [("cpu ms", "run-cpu")]),
            "", "cpu ms: user + system time of the runtime and the children it reaped (wait4). "
            "State roots are on %s; the `tmpfs state` rows put --root on a tmpfs instead, as "
            "/run is on most hosts." % cfg["state_fs"], ""]
    out += ["## 2. create + start + delete", "",
            timing_table(b, "cycle", names, [("create", "cycle-create"), ("start", "cycle-start"),
                                             ("delete", "cycle-delete")]),
            "", "create/start/delete: medians of each step (the wait for /bin/true to exit "
            "between start and delete is not counted).", ""]
    if cfg["pflask"]:
        fr = R.get("frontend", {})
        floor = statistics.median(fr["floor"]) if fr.get("floor") else None
        rows = []
        for key in FRONTENDS:
            label = FRONTEND_LABELS[key]
            v = fr.get(key)
            cpu_v = R.get("frontend-cpu", {}).get(key)
            if v:
                rows.append([label, len(v), ms(statistics.median(v)), ms(min(v)), ms(max(v)),
                             ms(statistics.median(cpu_v)), ratio(statistics.median(v), floor)])
        for name in names:
            v = R.get("run", {}).get(name)
            if v and name != "pflask-runtime (hybrid)":
                rows.append(["%s run (from 1.)" % name, len(v), ms(statistics.median(v)),
                             ms(min(v)), ms(max(v)), ms(statistics.median(R["run-cpu"][name])),
                             ratio(statistics.median(v), floor)])
        out += ["## 3. pflask front end against the unshare+chroot floor (cgroup2 view)", "",
                table(["command", "n", "median ms", "min ms", "max ms", "cpu ms", "vs floor"], rows), ""]
    sizes = binary_sizes(cfg["binaries"])
    rss = R.get("rss", {})
    base_rss = {k: statistics.median(rss[k]) for k in ("crun", "runc") if rss.get(k)}
    base_size = {k: sizes[k][2] for k in ("crun", "runc") if k in sizes}
    rows = []
    for key in list(names) + (["pflask --chroot", "unshare+chroot"] if cfg["pflask"] else []):
        v = rss.get(key)
        if not v:
            continue
        med = statistics.median(v)
        bname = "pflask-runtime" if key.startswith("pflask-runtime") else key.split()[0]
        bname = {"unshare+chroot": "unshare"}.get(key, bname)
        s = sizes.get(bname)
        rows.append([key, "%d" % med, min(v), max(v), ratio(med, base_rss.get("crun")),
                     ratio(med, base_rss.get("runc")),
                     "%d" % s[1] if s else "-", "%d" % s[2] if s else "-",
                     ratio(s[2], base_size.get("crun")) if s else "-", len(s[3]) if s else "-"])
    out += ["## 4. Peak RSS (`/usr/bin/time -f %M`, KiB) and binary size (bytes)", "",
            table(["runtime", "RSS median", "min", "max", "RSS vs crun", "RSS vs runc",
                   "binary", "stripped", "stripped vs crun", "shared libs"], rows), "",
            "RSS is the largest of the runtime process and the children it reaped (for runc, "
            "`runc init`). Shared libraries: " +
            "; ".join("%s: %s" % (n, " ".join(os.path.basename(l) for l in s[3]) or "none")
                      for n, s in sizes.items()) + ".", ""]
    rows = []
    for conc in cfg["conc"]:
        sec = R.get("conc-%d" % conc, {})
        tput = {k: sum(c for c, _ in v) / (sum(t for _, t in v) / 1e9) for k, v in sec.items()}
        for name in names:
            v = sec.get(name)
            if not v:
                continue
            chunk = [c / (t / 1e9) for c, t in v]
            fails = b.failures.get("%s concurrent %d" % (name, conc), 0)
            rows.append([name, conc, sum(c for c, _ in v), "%.1f" % tput[name],
                         "%.1f" % min(chunk), "%.1f" % max(chunk),
                         ratio(tput[name], tput.get("crun")), ratio(tput[name], tput.get("runc")),
                         fails])
    out += ["## 5. Throughput: `run` of /bin/true, concurrent", "",
            table(["runtime", "concurrency", "containers", "per s", "min chunk", "max chunk",
                   "vs crun", "vs runc", "failed"], rows), "",
            "per s: all containers over the summed wall time of %d alternated chunks; min/max: "
            "per chunk. Higher is better, and so are the ratios here." % cfg["crounds"], ""]
    run = {k: statistics.median(v) for k, v in R.get("run", {}).items()}
    fr = R.get("frontend", {})
    goals = []
    p = run.get("pflask-runtime")
    if p and run.get("crun"):
        goals.append(["sequential run <= 0.5x crun", ratio(p, run["crun"]), p <= 0.5 * run["crun"]])
    if p and run.get("runc"):
        goals.append(["sequential run <= 0.2x runc", ratio(p, run["runc"]), p <= 0.2 * run["runc"]])
    if fr.get("floor"):
        fl = statistics.median(fr["floor"])
        if p:
            goals.append(["pflask-runtime run <= 1.5x floor", ratio(p, fl), p <= 1.5 * fl])
        if fr.get("pflask"):
            pf = statistics.median(fr["pflask"])
            goals.append(["pflask --chroot <= 1.5x floor", ratio(pf, fl), pf <= 1.5 * fl])
    if rss.get("pflask-runtime") and base_rss.get("crun"):
        m = statistics.median(rss["pflask-runtime"])
        goals.append(["peak RSS < crun", ratio(m, base_rss["crun"]), m < base_rss["crun"]])
    if "pflask-runtime" in sizes and "crun" in sizes:
        goals.append(["stripped binary < crun", ratio(sizes["pflask-runtime"][2], sizes["crun"][2]),
                      sizes["pflask-runtime"][2] < sizes["crun"][2]])
    out += ["## Goals", "", table(["goal", "now", "met"],
                                  [[g, v, "yes" if m else "no"] for g, v, m in goals]), ""]
    if b.failures:
        out += ["Failures: " + ", ".join("%s: %d" % kv for kv in sorted(b.failures.items())), ""]
    return "\n".join(out)


def fs_type(path):
    r = subprocess.run(["findmnt", "-n", "-o", "FSTYPE", "-T", path], capture_output=True, text=True)
    lines = r.stdout.split()
    return lines[-1] if lines else "?"   # the last of stacked mounts is the one seen


def make_bundle(cfg):
    bundle = cfg["bundle"]
    os.makedirs(bundle)
    subprocess.run(["cp", "-a", os.path.join(cfg["build"], "rootfs"), os.path.join(bundle, "rootfs")],
                   check=True)
    subprocess.run([cfg["binaries"]["pflask-runtime"], "spec"], cwd=bundle, check=True)
    path = os.path.join(bundle, "config.json")
    with open(path) as f:
        c = json.load(f)
    # crun 1.8 refuses ociVersion 1.3.0 ("unknown version specified"); nothing here needs more.
    c["ociVersion"] = "1.0.2"
    c["root"] = {"path": "rootfs", "readonly": True}
    c["process"]["terminal"] = False
    c["process"]["args"] = ["/bin/true"]
    c["linux"]["namespaces"] = [{"type": t} for t in ("pid", "ipc", "uts", "mount", "network",
                                                      "cgroup")]
    with open(path, "w") as f:
        json.dump(c, f, indent="\t")
        f.write("\n")


def main():
    if os.geteuid() != 0:
        die("needs root (namespaces, mounts, cgroups): sudo make bench")
    build = os.environ.get("PFLASK_BUILD", "build")
    build = os.path.abspath(build)
    rt_bin = os.path.join(build, "pflask-runtime")
    if not os.access(rt_bin, os.X_OK):
        die("%s missing: make" % rt_bin)
    if not os.path.isdir(os.path.join(build, "rootfs")):
        die("%s/rootfs missing: make rootfs" % build)
    timebin = "/usr/bin/time"
    if not os.access(timebin, os.X_OK):
        die("/usr/bin/time missing: apt-get install time")
    pflask = os.path.join(build, "pflask")
    cfg = {
        "build": build,
        "n": env_int("BENCH_N", 100),
        "cn": env_int("BENCH_CONCURRENT_N", 200),
        "crounds": env_int("BENCH_CONCURRENT_ROUNDS", 4),
        "rss_n": env_int("BENCH_RSS_N", 20),
        "warmup": env_int("BENCH_WARMUP", 3),
        "conc": [int(x) for x in os.environ.get("BENCH_CONCURRENCY", "2,8").split(",") if x],
        "out": os.path.abspath(os.environ.get("BENCH_OUT", os.path.join(build, "bench", "latest.md"))),
        "time": timebin,
        "pflask": pflask if os.access(pflask, os.X_OK) else None,
        "unshare": shutil.which("unshare"),
        "chroot": shutil.which("chroot"),
        "binaries": {"pflask-runtime": rt_bin},
    }
    for name in ("crun", "runc"):
        p = shutil.which(os.environ.get(name.upper(), name))
        if p:
            cfg["binaries"][name] = p
        else:
            print("bench: %s not found, left out (apt-get install %s)" % (name, name), file=sys.stderr)
    if cfg["pflask"]:
        cfg["binaries"]["pflask"] = pflask
    if cfg["unshare"]:
        cfg["binaries"]["unshare"] = cfg["unshare"]
    else:
        cfg["pflask"] = None
    os.makedirs(os.path.dirname(cfg["out"]), exist_ok=True)

    cfg["workdir"] = tempfile.mkdtemp(prefix="pflask-bench.")
    cfg["bundle"] = os.path.join(cfg["workdir"], "bundle")
    state = lambda n: os.path.join(cfg["workdir"], "state-" + n)
    b = Bench(cfg)
    b.runtimes = [Runtime("pflask-runtime", rt_bin, "cgroup2", state("pflask-cg2")),
                  Runtime("pflask-runtime (hybrid)", rt_bin, "host", state("pflask-host"))]
    if "crun" in cfg["binaries"]:
        b.runtimes.append(Runtime("crun", cfg["binaries"]["crun"], "cgroup2", state("crun"),
                                  ["--cgroup-manager=disabled"]))
    if "runc" in cfg["binaries"]:
        b.runtimes.append(Runtime("runc", cfg["binaries"]["runc"], "cgroup2", state("runc")))
    # Section 1 also runs with the state root on a tmpfs: where it lives decides what an fsync
    # or a new inode costs.
    b.extra = []
    cfg["shm"] = None
    if os.path.isdir("/dev/shm") and fs_type("/dev/shm") == "tmpfs":
        cfg["shm"] = tempfile.mkdtemp(prefix="pflask-bench.", dir="/dev/shm")
        b.extra.append(Runtime("pflask-runtime, tmpfs state", rt_bin, "cgroup2",
                               os.path.join(cfg["shm"], "pflask")))
        if "crun" in cfg["binaries"]:
            b.extra.append(Runtime("crun, tmpfs state", cfg["binaries"]["crun"], "cgroup2",
                                   os.path.join(cfg["shm"], "crun"), ["--cgroup-manager=disabled"]))
    cfg["state_fs"] = fs_type(cfg["workdir"])
    keep = os.environ.get("BENCH_KEEP") == "1"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGALRM, on_alarm)
    check(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "PR_SET_CHILD_SUBREAPER")
    b.views = None
    try:
        make_bundle(cfg)
        cfg["frontend_state"] = state("pflask-frontend")
        b.views = Views(cfg["frontend_state"])
        b.sp = Spawner(cfg["workdir"])
        b.measure()
        if os.environ.get("BENCH_STRACE") == "1" and os.access("/usr/bin/strace", os.X_OK):
            b.strace()
        b.views.enter("host")
        text = report(b)
    finally:
        if b.views:
            b.cleanup()
            b.views.close()
        os.chdir("/")
        if not keep:
            # --one-file-system: never into a mount a failed runtime left behind
            subprocess.run(["rm", "-rf", "--one-file-system", cfg["workdir"]])
            if cfg["shm"]:
                subprocess.run(["rm", "-rf", "--one-file-system", cfg["shm"]])
    with open(cfg["out"], "w") as f:
        f.write(text + "\n")
    print(text)
    print("\nbench: wrote %s" % cfg["out"], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
