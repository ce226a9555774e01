#!/usr/bin/env python3
"""The benchmark driver behind bench/run.sh (see docs/BENCHMARKS.md).

Measures, in one run on this machine:
  code speed    the eight kernels, built from C with gcc -O2, clang -O2 and tcc,
                and from CLIF (bench/kernels) with libcranelift's backend; each
                run REPS times, median CPU time; the result checked
  compile speed the same kernels' compile times (C compilers: whole-process CPU
                time; ours: in-process, and the whole clif-util process), and
                `clif-util bench compile` over the generated large functions
                (bench/gen, 1k/10k/100k instructions) and Cranelift's runtests
Prints the tables, writes them as Markdown, and writes all numbers as JSON.

usage: run.py --clif-util PATH --work DIR [--reps N] [--kernels a,b] [--no-corpus]
"""
import argparse
import json
import math
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shared_dir():
    """../shared beside the project (or beside a worktree folder), or $BENCH_SHARED."""
    if os.environ.get("BENCH_SHARED"):
        return os.environ["BENCH_SHARED"]
    for up in ("..", os.path.join("..", "..")):
        d = os.path.normpath(os.path.join(ROOT, up, "shared"))
        if os.path.isdir(d):
            return d
    return os.path.normpath(os.path.join(ROOT, "..", "shared"))


SHARED = shared_dir()
KIT = os.path.join(SHARED, "bench", "wasm", "src")
RUNTESTS = os.path.join(SHARED, "conformance", "clif-runtests")
KERNELS = ["fib", "sieve", "matmul", "nbody", "sha256", "qsort", "mandel", "hashtab"]
# Flags of the kit's build.sh (-fno-math-errno: sqrt as one instruction, as in wasm).
C_COMPILERS = {
    "gcc": ["gcc", "-O2", "-fno-math-errno"],
    "clang": ["clang", "-O2", "-fno-math-errno"],
    # tcc has no __builtin_sqrt (nbody): map it to libm's sqrt.
    "tcc": ["tcc", "-O2", "-include", "math.h", "-D__builtin_sqrt=sqrt"],
}
OUR_SETTINGS = ["--set", "opt_level=speed", "--set", "enable_verifier=false"]


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return None
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def run_cpu(cmd, cwd=None):
    """Runs cmd; returns (completed process, CPU ms of it and its children)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return p, cpu * 1000.0


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as fp:
            for line in fp:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = {}
    for cc in ("gcc", "clang", "tcc"):
        if shutil.which(cc):
            p = subprocess.run([cc, "-v" if cc == "tcc" else "--version"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            versions[cc] = p.stdout.strip().splitlines()[0] if p.stdout.strip() else "?"
    return {"cpu": model, "ncpu": os.cpu_count(), "system": platform.platform(),
            "loadavg_start": list(os.getloadavg()), "compilers": versions,
            "date": time.strftime("%Y-%m-%d %H:%M:%S")}


def expected_small(kernel):
    """The value of `; run: %run_small() == N` in the kernel's file, as a u32."""
    with open(os.path.join(ROOT, "bench", "kernels", kernel + ".clif")) as fp:
        m = re.search(r"^; run: %run_small\(\) == (-?\d+)", fp.read(), re.M)
    return int(m.group(1)) & 0xFFFFFFFF if m else None


def check_ref(work, kernels):
    """bench/kernels/ref.c at the small sizes against the .clif run lines."""
    exe = os.path.join(work, "ref")
    p = subprocess.run(["gcc", "-O2", "-fno-math-errno", "-o", exe,
                        os.path.join(ROOT, "bench", "kernels", "ref.c"), "-lm"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        return {"ok": False, "error": p.stdout}
    p = subprocess.run([exe, "small"] + kernels, stdout=subprocess.PIPE, text=True)
    bad = []
    for line in p.stdout.splitlines():
        name, value = line.split()[:2]
        if int(value) != expected_small(name):
            bad.append("%s: ref %s, .clif %s" % (name, value, expected_small(name)))
    return {"ok": p.returncode == 0 and not bad, "mismatches": bad}


def c_kernels(work, reps, kernels):
    """Builds and runs the C kernels with each available compiler."""
    out = {}
    for cc, flags in C_COMPILERS.items():
        if not shutil.which(flags[0]):
            log("  %s: not installed, skipped" % cc)
            continue
        d = os.path.join(work, "c-" + cc)
        os.makedirs(d, exist_ok=True)
        harness = os.path.join(d, "native_main.o")
        p = subprocess.run(flags + ["-c", "-o", harness, os.path.join(KIT, "native_main.c")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode:
            out[cc] = {"error": p.stdout.strip()}
            log("  %s: cannot build the harness: %s" % (cc, p.stdout.strip()))
            continue
        res = {}
        for k in kernels:
            src, obj, exe = os.path.join(KIT, k + ".c"), os.path.join(d, k + ".o"), \
                os.path.join(d, k)
            compile_ms, err = [], None
            for _ in range(reps):
                p, ms = run_cpu(flags + ["-c", "-o", obj, src])
                if p.returncode:
                    err = p.stderr
                    break
                compile_ms.append(ms)
            if not err:
                p = subprocess.run([flags[0], "-o", exe, obj, harness, "-lm"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                err = p.stdout if p.returncode else None
            if err:
                res[k] = {"error": err.strip()}
                log("  %s %s: build failed: %s" % (cc, k, err.strip()))
                continue
            p = subprocess.run([exe, str(reps)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
            try:
                r = json.loads(p.stdout)
            except ValueError:
                res[k] = {"error": "run failed: " + p.stderr.strip()}
                log("  %s %s: run failed: %s" % (cc, k, p.stderr.strip()))
                continue
            r["compile_cpu_ms"] = compile_ms
            r["compile_cpu_median_ms"] = median(compile_ms)
            res[k] = r
            log("  %-5s %-8s run %8.1f ms CPU, compile %6.1f ms" %
                (cc, k, r["run_cpu_median_ms"], r["compile_cpu_median_ms"]))
        out[cc] = res
    return out


def our_kernels(clif_util, reps, kernels):
    """The CLIF kernels through `clif-util bench run` (compile in-process, then
    REPS runs) and whole-process `clif-util bench compile -n 1` times."""
    res = {}
    for k in kernels:
        path = os.path.join(ROOT, "bench", "kernels", k + ".clif")
        p = subprocess.run([clif_util, "bench", "run", "-n", str(reps), "--json", "-"] +
                           OUR_SETTINGS + [path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        try:
            r = json.loads(p.stdout)
        except ValueError:
            res[k] = {"error": (p.stderr.strip() or p.stdout.strip() or "no output")}
            log("  ours  %-8s failed: %s" % (k, res[k]["error"]))
            continue
        whole = []
        for _ in range(reps):
            q, ms = run_cpu([clif_util, "bench", "compile", "-n", "1", "-q"] + OUR_SETTINGS +
                            [path])
            if q.returncode == 0:
                whole.append(ms)
        r["process_compile_cpu_ms"] = whole
        r["process_compile_cpu_median_ms"] = median(whole)
        res[k] = r
        log("  ours  %-8s run %8.1f ms CPU, compile %6.2f ms in-process, %6.1f ms process%s" %
            (k, r["run_cpu_median_ms"], r["compile_ms"], r["process_compile_cpu_median_ms"] or 0,
             "" if r.get("ok") else "  WRONG RESULT"))
    return res


def compile_corpus(clif_util, paths, iters):
    """`clif-util bench compile` over paths; returns its JSON (or an error)."""
    p = subprocess.run([clif_util, "bench", "compile", "-q", "-n", str(iters), "--json", "-"] +
                       OUR_SETTINGS + paths, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {"error": p.stderr.strip()[-2000:] or "no output"}


def fmt(x, prec=1):
    return "-" if x is None else "%.*f" % (prec, x)


def ratio(a, b):
    return a / b if a is not None and b else None


def tables(res, reps):
    """The Markdown tables of the results."""
    L = []
    m = res["machine"]
    L.append("Machine: %s, %s CPUs; load average %s at the start, %s at the end. "
             "%s. Medians of %d runs, CPU time." %
             (m["cpu"], m["ncpu"], " ".join("%.2f" % x for x in m["loadavg_start"]),
              " ".join("%.2f" % x for x in m["loadavg_end"]), res["machine"]["date"], reps))
    L.append("")
    cc = res["c"]
    ours = res["ours"]
    have = [c for c in ("gcc", "clang", "tcc") if c in cc and "error" not in cc[c]]

    def c_run(c, k):
        r = cc.get(c, {}).get(k, {})
        return r.get("run_cpu_median_ms")

    def c_comp(c, k):
        r = cc.get(c, {}).get(k, {})
        return r.get("compile_cpu_median_ms")

    # Code speed.
    L.append("### Run time (ms CPU, median; ratio = time / gcc -O2 time)")
    L.append("")
    head = ["kernel"] + ["%s" % ({"gcc": "gcc -O2", "clang": "clang -O2"}.get(c, c))
                         for c in have] + ["ours", "result"] + \
        ["%s/gcc" % c for c in have if c != "gcc"] + ["ours/gcc"]
    L.append("| " + " | ".join(head) + " |")
    L.append("|" + "---|" * 1 + "---:|" * (len(head) - 1))
    ratios = {c: [] for c in have + ["ours"]}
    for k in res["kernels"]:
        o = ours.get(k, {})
        orun = o.get("run_cpu_median_ms")
        status = ("ok" if o.get("ok") else "WRONG") if "error" not in o else \
            "failed: " + o["error"].splitlines()[0][:60]
        row = [k] + [fmt(c_run(c, k)) for c in have] + [fmt(orun), status]
        g = c_run("gcc", k)
        for c in have:
            if c != "gcc":
                row.append(fmt(ratio(c_run(c, k), g), 2))
                ratios[c].append(ratio(c_run(c, k), g))
        row.append(fmt(ratio(orun, g), 2))
        ratios["ours"].append(ratio(orun, g))
        L.append("| " + " | ".join(row) + " |")
    row = ["**geomean**"] + [""] * len(have) + ["", ""] + \
        [fmt(geomean(ratios[c]), 2) for c in have if c != "gcc"] + [fmt(geomean(ratios["ours"]), 2)]
    L.append("| " + " | ".join(row) + " |")
    L.append("")

    # Compile speed of the kernels.
    L.append("### Compile time of the kernels (ms CPU, median)")
    L.append("")
    L.append("C compilers: the whole `cc -c kernel.c` process. Ours: `clif_compile` of every "
             "function of the file in-process (parse excluded), and the whole `clif-util bench "
             "compile -n 1` process (parse, verify, compile).")
    L.append("")
    head = ["kernel", "IR insts"] + ["%s" % ({"gcc": "gcc -O2", "clang": "clang -O2"}.get(c, c))
                                     for c in have] + \
        ["ours in-process", "ours process", "ours process/clang", "ours process/tcc",
         "code bytes"]
    L.append("| " + " | ".join(head) + " |")
    L.append("|---|" + "---:|" * (len(head) - 1))
    rc, rt = [], []
    for k in res["kernels"]:
        o = ours.get(k, {})
        proc = o.get("process_compile_cpu_median_ms")
        a, b = ratio(proc, c_comp("clang", k)), ratio(proc, c_comp("tcc", k))
        rc.append(a)
        rt.append(b)
        row = [k, str(o.get("insts", "-"))] + [fmt(c_comp(c, k)) for c in have] + \
            [fmt(o.get("compile_ms"), 2), fmt(proc), fmt(a, 2), fmt(b, 2),
             str(o.get("code_bytes", "-"))]
        L.append("| " + " | ".join(row) + " |")
    L.append("| **geomean** | |" + " |" * len(have) + " | | %s | %s | |" %
             (fmt(geomean(rc), 2), fmt(geomean(rt), 2)))
    L.append("")

    # Compile speed by function size.
    g = res.get("gen", {})
    if "functions" in g:
        L.append("### Compile speed by function size (bench/gen, ns per IR instruction)")
        L.append("")
        L.append("Each column is one generated function of about that many instructions "
                 "(`calls`: a chain of 6-instruction functions, so its figure is per "
                 "instruction over the whole chain). Parse excluded; medians of %d compiles." %
                 res["gen_iters"])
        L.append("")
        sizes = res["gen_sizes"]
        L.append("| shape | " + " | ".join("%d insts" % s for s in sizes) + " |")
        L.append("|---|" + "---:|" * len(sizes))
        by = {}
        for f in g["functions"]:
            mm = re.search(r"([a-z]+)-(\d+)\.clif$", f["file"])
            if not mm:
                continue
            key = (mm.group(1), int(mm.group(2)))
            t = by.setdefault(key, [0, 0.0, True])
            t[0] += f["insts"]
            if f["compile_us"] is None:
                t[2] = False
            else:
                t[1] += f["compile_us"]
        for shape in sorted({k[0] for k in by}):
            row = [shape]
            for s in sizes:
                t = by.get((shape, s))
                row.append("-" if not t or not t[2] else "%.0f" % (t[1] * 1e3 / t[0]))
            L.append("| " + " | ".join(row) + " |")
        tot = g["totals"]
        L.append("")
        L.append("Whole generated corpus: %d functions, %d IR instructions; parse %.0f, verify "
                 "%.0f, compile %.0f ns per instruction; peak RSS of the process %d KiB." %
                 (tot["functions"], tot["insts"], tot["parse_ns_per_inst"],
                  tot["verify_ns_per_inst"], tot["compile_ns_per_inst"], tot["peak_rss_kib"]))
        L.append("")
    rt_ = res.get("runtests", {})
    if "totals" in rt_:
        t = rt_["totals"]
        L.append("### Cranelift's runtests (compile for x86_64)")
        L.append("")
        L.append("%d files (%d without an x86_64 target, skipped), %d functions: %d compiled, "
                 "%d not (reasons below). Compiled: %d IR instructions in %.1f ms, "
                 "%.0f ns per instruction; parse %.0f, verify %.0f ns per instruction; "
                 "%d bytes of code; peak RSS %d KiB." %
                 (t["files"], t["files_skipped"], t["functions"], t["compiled"],
                  t["not_compiled"], t["compiled_insts"], t["compile_us"] / 1e3,
                  t["compile_ns_per_inst"], t["parse_ns_per_inst"], t["verify_ns_per_inst"],
                  t["code_bytes"], t["peak_rss_kib"]))
        L.append("")
        L.append("| function size | functions | insts | ns/inst |")
        L.append("|---|---:|---:|---:|")
        for c in t["by_size"]:
            rng = "%d.." % c["min_insts"] + ("%d" % c["max_insts"] if c["max_insts"] else "")
            L.append("| %s | %d | %d | %.0f |" % (rng, c["functions"], c["insts"],
                                                  c["compile_ns_per_inst"]))
        L.append("")
        why = {}
        for f in rt_["functions"]:
            if f["error"]:
                key = " ".join(f["error"].split("\n")[0].split())[:100]
                why[key] = why.get(key, 0) + 1
        if why:
            L.append("Most frequent reasons a function was not compiled:")
            L.append("")
            for key, n in sorted(why.items(), key=lambda kv: -kv[1])[:8]:
                L.append("- %d: `%s`" % (n, key))
            L.append("")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clif-util", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--kernels", default=",".join(KERNELS))
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--no-corpus", action="store_true")
    a = ap.parse_args()
    kernels = a.kernels.split(",")
    os.makedirs(a.work, exist_ok=True)
    t0 = time.time()
    res = {"machine": machine(), "reps": a.reps, "kernels": kernels,
           "our_settings": OUR_SETTINGS[1::2], "phase_seconds": {}}
    last = [t0]

    def phase(name):
        now = time.time()
        res["phase_seconds"][name] = round(now - last[0], 1)
        last[0] = now
    log("reference checksums (bench/kernels/ref.c, small sizes)...")
    res["ref"] = check_ref(a.work, kernels)
    phase("ref")
    log("C kernels (gcc, clang, tcc)...")
    res["c"] = c_kernels(a.work, a.reps, kernels)
    phase("c_kernels")
    log("CLIF kernels (clif-util bench run)...")
    res["ours"] = our_kernels(a.clif_util, a.reps, kernels)
    phase("clif_kernels")
    if not a.no_corpus:
        sizes = [int(s) for s in a.sizes.split(",")]
        gen = os.path.join(a.work, "gen")
        shutil.rmtree(gen, ignore_errors=True)
        log("generated functions (bench/gen, %s instructions)..." % a.sizes)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen", "genclif.py"),
                        "--suite", gen, "--sizes", a.sizes], check=True)
        res["gen_iters"] = 3
        res["gen_sizes"] = sizes
        res["gen"] = compile_corpus(a.clif_util, [gen], res["gen_iters"])
        phase("gen")
        if os.path.isdir(RUNTESTS):
            log("Cranelift's runtests (%s)..." % RUNTESTS)
            res["runtests"] = compile_corpus(a.clif_util, [RUNTESTS], 3)
            phase("runtests")
    res["machine"]["loadavg_end"] = list(os.getloadavg())
    res["seconds"] = time.time() - t0
    md = tables(res, a.reps)
    with open(os.path.join(a.work, "results.json"), "w") as fp:
        json.dump(res, fp, indent=1)
    with open(os.path.join(a.work, "results.md"), "w") as fp:
        fp.write(md)
    print(md)
    print("(%.0f s; JSON: %s, Markdown: %s)" % (res["seconds"],
                                               os.path.join(a.work, "results.json"),
                                               os.path.join(a.work, "results.md")))
    ok = res["ref"]["ok"] and all(r.get("ok") for r in res["ours"].values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
