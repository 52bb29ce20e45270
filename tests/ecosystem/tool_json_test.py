#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# tool_json_test.py PMEM2_INFO -- checks pmem2-info's JSON (and exit codes) on a
# file on tmpfs (/dev/shm) and on ext4 (/tmp): the facts it reports must agree
# with what the kernel and the file say, and with PMEM2_FORCE_GRANULARITY.
import json, os, subprocess, sys, tempfile

tool = sys.argv[1]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k != "PMEM2_FORCE_GRANULARITY"}
    env.update(env_extra or {})
    p = subprocess.run([tool] + args, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout


def fstype(path):
    return subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True).stdout.strip()


def probe_ok(v, name):
    """A RAS probe is either a value or an error with a negative code and a message."""
    check(isinstance(v, dict) and (("value" in v) != ("error" in v)), f"{name}: value xor error: {v}")
    if "error" in v:
        check(v["code"] < 0 and v["error"], f"{name}: error needs a negative code and a message: {v}")


def regions_from_sysfs():
    base = "/sys/bus/nd/devices"
    out = {}
    if os.path.isdir(base):
        for d in os.listdir(base):
            if d.startswith("region"):
                try:
                    out[d] = open(f"{base}/{d}/persistence_domain").read().strip()
                except OSError:
                    out[d] = "unknown"
    return out


page = os.sysconf("SC_PAGE_SIZE")
for where, want_fs in (("/dev/shm", "tmpfs"), ("/tmp", "ext2/ext3")):
    fs = fstype(where)
    check(fs == want_fs, f"{where} is {fs}, expected {want_fs} (test premise)")
    size = 8 << 20
    with tempfile.NamedTemporaryFile(dir=where) as f:
        f.truncate(size)
        f.flush()
        rc, out = run(["--json", f.name])
        check(rc == 0, f"{where}: exit code {rc}, expected 0")
        j = json.loads(out)
        check(j["path"] == f.name and j["exit_code"] == rc, f"{where}: path/exit_code fields")
        check(j["source"]["type"] == "regular", f"{where}: type {j['source']['type']}")
        check(j["source"]["size"] == {"value": size}, f"{where}: size {j['source']['size']}")
        check(j["source"]["alignment"] == {"value": page}, f"{where}: alignment {j['source']['alignment']}")
        # Neither tmpfs nor ext4 without dax gives MAP_SYNC, so libpmem2 must say PAGE.
        check(j["map_sync"]["supported"] is False and j["map_sync"]["needed"] is True,
              f"{where}: map_sync {j['map_sync']}")
        check("not supported" in j["map_sync"]["reason"], f"{where}: map_sync reason {j['map_sync']['reason']}")
        check(j["mapping"]["ok"] is True and j["mapping"]["store_granularity"] == "PAGE",
              f"{where}: mapping {j['mapping']}")
        check("MAP_SYNC" in j["mapping"]["reason"], f"{where}: granularity reason {j['mapping']['reason']}")
        check(j["forced_granularity"] is None, f"{where}: forced {j['forced_granularity']}")
        sysfs = regions_from_sysfs()
        check({r["name"]: r["persistence_domain"] for r in j["regions"]} == sysfs,
              f"{where}: regions {j['regions']} vs sysfs {sysfs}")
        check(j["eadr"] == (bool(sysfs) and all(v == "cpu_cache" for v in sysfs.values())), f"{where}: eadr")
        check(j["cpu"]["flush"] in ("clwb", "clflushopt", "clflush"), f"{where}: flush {j['cpu']['flush']}")
        check(j["cpu"]["copy"] in ("sse2", "avx2", "avx512f", "movdir64b", "generic", "libc"),
              f"{where}: copy {j['cpu']['copy']}")
        check(j["cpu"]["temporal_flush_order"] in ("line", "block"),
              f"{where}: temporal_flush_order {j['cpu']['temporal_flush_order']}")
        # The order follows PMEM2_FLUSH_ORDER, and the generic copier has none.
        for value in ("line", "block"):
            rc, out = run(["--json", f.name], {"PMEM2_FLUSH_ORDER": value})
            got = json.loads(out)["cpu"]["temporal_flush_order"]
            check(rc == 0 and got == value, f"{where}: PMEM2_FLUSH_ORDER={value} gave {got}")
        # The destination prefetch: off with PMEM2_PREFETCHW=0; with =1, 512 bytes
        # ahead exactly when the CPU has PREFETCHW (/proc/cpuinfo: 3dnowprefetch).
        check(j["cpu"]["temporal_prefetch_ahead"] in (0, 512),
              f"{where}: temporal_prefetch_ahead {j['cpu']['temporal_prefetch_ahead']}")
        with open("/proc/cpuinfo") as ci:
            has_prefetchw = "3dnowprefetch" in ci.read().split()
        for value, want in (("0", 0), ("1", 512 if has_prefetchw else 0)):
            rc, out = run(["--json", f.name], {"PMEM2_PREFETCHW": value})
            got = json.loads(out)["cpu"]["temporal_prefetch_ahead"]
            check(rc == 0 and got == want, f"{where}: PMEM2_PREFETCHW={value} gave {got}, want {want}")
        rc, out = run(["--json", f.name], {"PMEM_NO_MOVNT": "1", "PMEM2_PREFETCHW": "1"})
        got = json.loads(out)["cpu"]
        check(rc == 0 and got["copy"] == "generic" and got["temporal_flush_order"] is None
              and got["temporal_prefetch_ahead"] == 0, f"{where}: PMEM_NO_MOVNT=1 gave {got}")
        for k in ("numa_node", "device_id", "unsafe_shutdown_count"):
            probe_ok(j[k], f"{where}: {k}")
        bb = j["bad_blocks"]
        check(("count" in bb and bb["count"] == len(bb["list"])) or ("error" in bb and bb["code"] < 0),
              f"{where}: bad_blocks {bb}")
        # A file that is not on pmem has no bad blocks to report.
        check(bb.get("count", 0) == 0, f"{where}: bad blocks on a non-pmem file: {bb}")

        # The override is seen and explained.
        rc, out = run(["--json", f.name], {"PMEM2_FORCE_GRANULARITY": "CACHE_LINE"})
        j = json.loads(out)
        check(rc == 0 and j["forced_granularity"] == "CACHE_LINE" and
              j["mapping"]["store_granularity"] == "CACHE_LINE" and "PMEM2_FORCE_GRANULARITY" in j["mapping"]["reason"],
              f"{where}: forced CACHE_LINE: rc={rc} {j.get('mapping')}")

        # The text form states the same facts.
        rc, out = run([f.name])
        check(rc == 0 and "PAGE" in out and f"{size} bytes" in out and "regular file" in out,
              f"{where}: text output:\n{out}")

    # A directory is not a source libpmem2 accepts: exit 2 with its code.
    rc, out = run(["--json", where])
    j = json.loads(out)
    check(rc == 2 and j["exit_code"] == 2 and j["code"] < 0 and j["error"], f"{where}: directory: rc={rc} {out}")
    # An empty file is a source libpmem2 cannot map: exit 3, the report explains.
    with tempfile.NamedTemporaryFile(dir=where) as f:
        rc, out = run(["--json", f.name])
        j = json.loads(out)
        check(rc == 3 and j["exit_code"] == 3 and j["source"]["size"] == {"value": 0} and
              j["mapping"]["ok"] is False and j["mapping"]["code"] < 0 and j["mapping"]["error"],
              f"{where}: empty file: rc={rc} {out}")

# A missing path: exit 2 with the reason; bad usage: exit 1.
rc, out = run(["--json", "/nonexistent/pmem2-info-test"])
check(rc == 2 and json.loads(out)["code"] == -2, f"missing path: rc={rc} {out}")
rc, _ = run([])
check(rc == 1, f"no arguments: rc={rc}")
rc, _ = run(["--bogus", "/tmp"])
check(rc == 1, f"unknown option: rc={rc}")

print("FAILED" if failures else "ok: pmem2-info JSON agrees with tmpfs and ext4 files")
sys.exit(1 if failures else 0)
