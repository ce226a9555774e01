#!/usr/bin/env python3
"""Generator of large CLIF functions, to measure how compile time grows with
function size (docs/BENCHMARKS.md).

Shapes (each a file holding one big function, plus helpers where needed):
  live       straight-line i32 code in short blocks joined by diamonds, with a
             window of --live values (default 100) live at every point
  loops      nests of --depth (default 8) loops one inside the other, each loop
             with its own body, one nest after the other
  brtable    a dispatch loop around one br_table with a case block per entry
  callsites  one function making many calls to a small helper, with --live
             values (default 24) live across every call
  calls      a chain of small functions, each calling the next

SIZE is the number of instructions of the big function (for `calls`, of the
whole chain); the result comes within a few percent of it. Each file carries
`; run:` lines whose expected values this script computes with a model of the
same code (32-bit wrapping arithmetic), so the interpreter and compiled code
can be checked against it.

usage:
  genclif.py SHAPE SIZE [--seed N] [--live N] [--depth N]   one file on stdout
  genclif.py --suite DIR [--sizes 1000,10000,100000]        every shape, every size
  genclif.py --selftest CLIF_UTIL [--native]                 small sizes, checked
                                                             with `clif-util test`
"""
import os
import random
import subprocess
import sys
import tempfile

M32 = 0xFFFFFFFF

# Binary operations on i32 values: name -> model.
BINOPS = {
    "iadd": lambda a, b: (a + b) & M32,
    "isub": lambda a, b: (a - b) & M32,
    "imul": lambda a, b: (a * b) & M32,
    "bxor": lambda a, b: a ^ b,
    "band": lambda a, b: a & b,
    "bor": lambda a, b: a | b,
}
# Shifts and rotates by a constant amount (taken from the shift constants).
SHIFTS = {
    "rotl": lambda a, s: ((a << s) | (a >> (32 - s))) & M32,
    "ushr": lambda a, s: a >> s,
    "ishl": lambda a, s: (a << s) & M32,
}
SHIFT_AMOUNTS = [1, 3, 5, 7, 11, 13]


def signed(x):
    """A u32 as CLIF's run lines print an i32 (signed decimal)."""
    return x - (1 << 32) if x & 0x80000000 else x


class Func:
    """Text of one function under construction: numbered values and blocks."""

    def __init__(self, name, params, ret=True):
        self.name = name
        self.lines = []
        self.preamble = []
        self.nval = 0
        self.nblock = 0
        self.ninst = 0
        self.params = params
        self.ret = ret

    def val(self):
        v = "v%d" % self.nval
        self.nval += 1
        return v

    def block(self):
        b = "block%d" % self.nblock
        self.nblock += 1
        return b

    def label(self, b, params=()):
        if params:
            self.lines.append("%s(%s):" % (b, ", ".join("%s: i32" % p for p in params)))
        else:
            self.lines.append("%s:" % b)

    def ins(self, text):
        self.lines.append("    " + text)
        self.ninst += 1

    def op(self, text):
        """An instruction with one result; returns the result."""
        v = self.val()
        self.ins("%s = %s" % (v, text))
        return v

    def text(self):
        sig = "(%s)" % ", ".join(self.params)
        if self.ret:
            sig += " -> i32"
        out = ["function %%%s%s {" % (self.name, sig)]
        out += ["    " + p for p in self.preamble]
        if self.preamble:
            out.append("")
        out += self.lines
        out.append("}")
        return "\n".join(out) + "\n"


class Consts:
    """Shift amounts defined once in the entry block (live everywhere)."""

    def __init__(self, f):
        self.f = f
        self.shift = {s: f.op("iconst.i32 %d" % s) for s in SHIFT_AMOUNTS}


def random_op(rng, f, consts, a, b):
    """Emits a random operation of a and b; returns (value, model)."""
    if rng.random() < 0.25:
        name = rng.choice(sorted(SHIFTS))
        s = rng.choice(SHIFT_AMOUNTS)
        v = f.op("%s %s, %s" % (name, a, consts.shift[s]))
        return v, (lambda fn, s: lambda x, y: fn(x, s))(SHIFTS[name], s)
    name = rng.choice(sorted(BINOPS))
    v = f.op("%s %s, %s" % (name, a, b))
    return v, BINOPS[name]


# ---- live: many values live at once ----

def gen_live(size, rng, live=100):
    f = Func("live", ["i32", "i32"])
    b0 = f.block()
    f.label(b0, ["v0", "v1"])
    f.nval = 2
    consts = Consts(f)
    prog = []  # (dst slot, model(window) -> value)
    window = []
    # Seed the window from the parameters and constants.
    for i in range(live):
        c = rng.randrange(1, 1 << 31) | 1
        k = f.op("iconst.i32 %d" % c)
        src = "v0" if i % 2 == 0 else "v1"
        v = f.op("imul %s, %s" % (src, k))
        window.append(v)
        prog.append(("seed", i, i % 2, c))
    step = 0
    while f.ninst < size - 2 * live:
        step += 1
        if step % 24 == 0:
            # A diamond: the join's parameter replaces a window slot.
            c_slot, ta, tb, fa, fb, dst = (rng.randrange(live) for _ in range(6))
            one = f.op("iconst.i32 1")
            cond = f.op("band %s, %s" % (window[c_slot], one))
            bt, bf, bj = f.block(), f.block(), f.block()
            f.ins("brif %s, %s, %s" % (cond, bt, bf))
            f.label(bt)
            tv, tm = random_op(rng, f, consts, window[ta], window[tb])
            f.ins("jump %s(%s)" % (bj, tv))
            f.label(bf)
            fv, fm = random_op(rng, f, consts, window[fa], window[fb])
            f.ins("jump %s(%s)" % (bj, fv))
            p = f.val()
            f.label(bj, [p])
            window[dst] = p
            prog.append(("diamond", c_slot, (tm, ta, tb), (fm, fa, fb), dst))
        else:
            a, b, dst = rng.randrange(live), rng.randrange(live), rng.randrange(live)
            v, m = random_op(rng, f, consts, window[a], window[b])
            window[dst] = v
            prog.append(("op", m, a, b, dst))
    acc = window[0]
    for v in window[1:]:
        acc = f.op("bxor %s, %s" % (acc, v))
    f.ins("return %s" % acc)

    def model(x, y):
        w = [0] * live
        for p in prog:
            if p[0] == "seed":
                w[p[1]] = ((x if p[2] == 0 else y) * p[3]) & M32
            elif p[0] == "op":
                _, m, a, b, dst = p
                w[dst] = m(w[a], w[b])
            else:
                _, c, (tm, ta, tb), (fm, fa, fb), dst = p
                w[dst] = tm(w[ta], w[tb]) if w[c] & 1 else fm(w[fa], w[fb])
        r = 0
        for v in w:
            r ^= v
        return r

    runs = [("live", (x, y), model(x, y)) for x, y in ((1, 2), (12345, 0xDEADBEEF))]
    return [f], runs


# ---- loops: deep loop nests ----

def gen_loops(size, rng, depth=8):
    f = Func("loops", ["i32", "i32"])
    b0 = f.block()
    f.label(b0, ["v0", "v1"])  # v0 = trip count of every loop, v1 = start value x
    f.nval = 2
    consts = Consts(f)
    zero = f.op("iconst.i32 0")
    one = f.op("iconst.i32 1")
    body = 3

    def ops(a, i):
        """`body` random operations of a with the loop counter i or x."""
        models = []
        for _ in range(body):
            with_i = rng.random() < 0.5
            a, m = random_op(rng, f, consts, a, i if with_i else "v1")
            models.append((m, with_i))
        return a, models

    nests = []  # per nest, per level: [pre ops, post ops]
    acc = "v1"
    while f.ninst < size - 10 * depth:
        levels, heads, exits = [], [], []
        # Open the loops, outermost first: guard, header (i, acc), first ops.
        for lvl in range(depth):
            hdr, ex = f.block(), f.block()
            guard = f.op("icmp ult %s, v0" % zero)
            f.ins("brif %s, %s(%s, %s), %s(%s)" % (guard, hdr, zero, acc, ex, acc))
            i, a = f.val(), f.val()
            f.label(hdr, [i, a])
            acc, pre = ops(a, i)
            heads.append((hdr, i))
            exits.append(ex)
            levels.append([pre, None])
        # Close them, innermost first: last ops, latch, exit block.
        for lvl in reversed(range(depth)):
            hdr, i = heads[lvl]
            acc, levels[lvl][1] = ops(acc, i)
            i2 = f.op("iadd %s, %s" % (i, one))
            c = f.op("icmp ult %s, v0" % i2)
            f.ins("brif %s, %s(%s, %s), %s(%s)" % (c, hdr, i2, acc, exits[lvl], acc))
            p = f.val()
            f.label(exits[lvl], [p])
            acc = p
        nests.append(levels)
    f.ins("return %s" % acc)

    def apply(models, a, i, x):
        for m, with_i in models:
            a = m(a, i if with_i else x)
        return a

    def model(n, x):
        def run(levels, lvl, a):  # recursion depth = the nest depth (an option)
            for i in range(n):
                a = apply(levels[lvl][0], a, i, x)
                if lvl + 1 < depth:
                    a = run(levels, lvl + 1, a)
                a = apply(levels[lvl][1], a, i, x)
            return a

        acc = x
        for levels in nests:
            acc = run(levels, 0, acc)
        return acc

    cases = [(0, 7), (1, 7), (1, 0x12345678)]
    if len(nests) * 2**depth <= 100000:
        cases.append((2, 0x12345678))
    runs = [("loops", (n, x), model(n, x)) for n, x in cases]
    return [f], runs


# ---- brtable: a big br_table ----

def gen_brtable(size, rng):
    ncases = max(4, (size - 20) // 8)
    f = Func("brtable", ["i32", "i32"])
    b0 = f.block()
    f.label(b0, ["v0", "v1"])  # v0 = steps, v1 = start state
    f.nval = 2
    consts = Consts(f)
    zero = f.op("iconst.i32 0")
    one = f.op("iconst.i32 1")
    nc = f.op("iconst.i32 %d" % ncases)
    loop, disp, ex = f.block(), f.block(), f.block()
    f.ins("jump %s(%s, %s, %s)" % (loop, zero, "v1", "v1"))
    k, s, acc = f.val(), f.val(), f.val()
    f.label(loop, [k, s, acc])
    c = f.op("icmp ult %s, %s" % (k, "v0"))
    r = f.val()
    f.ins("brif %s, %s, %s(%s)" % (c, disp, ex, acc))
    f.label(disp)
    idx = f.op("urem %s, %s" % (s, nc))
    cases = [f.block() for _ in range(ncases)]
    f.ins("br_table %s, %s(%s), [%s]" % (idx, ex, acc, ", ".join(cases)))
    models = []
    for cb in cases:
        f.label(cb)
        mul = rng.randrange(1, 1 << 31) | 1
        add = rng.randrange(1 << 32)
        kmul = f.op("iconst.i32 %d" % mul)
        kadd = f.op("iconst.i32 %d" % signed(add))
        s1 = f.op("imul %s, %s" % (s, kmul))
        s2 = f.op("iadd %s, %s" % (s1, kadd))
        sh = rng.choice(SHIFT_AMOUNTS)
        s3 = f.op("rotl %s, %s" % (s2, consts.shift[sh]))
        a2 = f.op("bxor %s, %s" % (acc, s3))
        k2 = f.op("iadd %s, %s" % (k, one))
        f.ins("jump %s(%s, %s, %s)" % (loop, k2, s3, a2))
        models.append((mul, add, sh))
    f.label(ex, [r])
    f.ins("return %s" % r)

    def model(steps, x):
        s = acc = x
        for _ in range(steps):
            mul, add, sh = models[s % ncases]
            s = SHIFTS["rotl"]((s * mul + add) & M32, sh)
            acc ^= s
        return acc

    runs = [("brtable", (n, x), model(n, x)) for n, x in ((0, 5), (10, 5), (300, 0xCAFEF00D))]
    return [f], runs


# ---- callsites: many calls, values live across them ----

def gen_callsites(size, rng, live=24):
    h = Func("helper", ["i32", "i32"])
    h.label(h.block(), ["v0", "v1"])
    h.nval = 2
    three = h.op("iconst.i32 3")
    t = h.op("imul v0, %s" % three)
    h.ins("return %s" % h.op("bxor %s, v1" % t))

    def helper(a, b):
        return ((a * 3) & M32) ^ b

    f = Func("callsites", ["i32"])
    f.preamble.append("fn0 = colocated %helper(i32, i32) -> i32")
    f.label(f.block(), ["v0"])
    f.nval = 1
    consts = Consts(f)
    window, prog = [], []
    for i in range(live):
        c = rng.randrange(1, 1 << 31) | 1
        k = f.op("iconst.i32 %d" % c)
        window.append(f.op("iadd v0, %s" % k))
        prog.append(("seed", i, c))
    while f.ninst < size - live:
        a, b, dst = rng.randrange(live), rng.randrange(live), rng.randrange(live)
        if rng.random() < 0.5:
            v = f.op("call fn0(%s, %s)" % (window[a], window[b]))
            prog.append(("call", a, b, dst))
        else:
            v, m = random_op(rng, f, consts, window[a], window[b])
            prog.append(("op", m, a, b, dst))
        window[dst] = v
    acc = window[0]
    for v in window[1:]:
        acc = f.op("iadd %s, %s" % (acc, v))
    f.ins("return %s" % acc)

    def model(x):
        w = [0] * live
        for p in prog:
            if p[0] == "seed":
                w[p[1]] = (x + p[2]) & M32
            elif p[0] == "call":
                w[p[3]] = helper(w[p[1]], w[p[2]])
            else:
                w[p[4]] = p[1](w[p[2]], w[p[3]])
        return sum(w) & M32

    runs = [("callsites", (x,), model(x)) for x in (0, 99, 0x7FFFFFFF)]
    return [f, h], runs


# ---- calls: a long chain of functions ----

def gen_calls(size, rng):
    n = max(2, size // 6)
    funcs, models = [], []
    for i in range(n):
        f = Func("c%d" % i, ["i32"])
        last = i == n - 1
        if not last:
            f.preamble.append("fn0 = colocated %%c%d(i32) -> i32" % (i + 1))
        f.label(f.block(), ["v0"])
        f.nval = 1
        c = rng.randrange(1, 1 << 31) | 1
        d = rng.randrange(1 << 32)
        kc = f.op("iconst.i32 %d" % c)
        a = f.op("imul v0, %s" % kc)
        if last:
            f.ins("return %s" % a)
        else:
            r = f.op("call fn0(%s)" % a)
            kd = f.op("iconst.i32 %d" % signed(d))
            f.ins("return %s" % f.op("bxor %s, %s" % (r, kd)))
        funcs.append(f)
        models.append((c, d))

    def model(x):
        xs = []
        for c, _ in models:  # down the chain
            x = (x * c) & M32
            xs.append(x)
        r = xs[-1]
        for c, d in reversed(models[:-1]):  # back up
            r ^= d
        return r

    runs = [("c0", (x,), model(x)) for x in (1, 0x10001)]
    return funcs, runs


SHAPES = {
    "live": gen_live,
    "loops": gen_loops,
    "brtable": gen_brtable,
    "callsites": gen_callsites,
    "calls": gen_calls,
}


def generate(shape, size, seed=1, **kw):
    rng = random.Random("%s/%d/%d" % (shape, size, seed))
    funcs, runs = SHAPES[shape](size, rng, **kw)
    ninst = sum(f.ninst for f in funcs)
    out = [
        "; Generated by bench/gen/genclif.py %s %d --seed %d: %d instructions." %
        (shape, size, seed, ninst),
        "test interpret",
        "test run",
        "target x86_64",
        "",
    ]
    # A run line belongs to the function it follows.
    for f in funcs:
        out.append(f.text())
        for name, args, want in runs:
            if name == f.name:
                out.append("; run: %%%s(%s) == %d" %
                           (name, ", ".join(str(signed(a)) for a in args), signed(want)))
        out.append("")
    return "\n".join(out)


def selftest(clif_util, native):
    """Small sizes of every shape through `clif-util test`."""
    with tempfile.TemporaryDirectory() as d:
        for shape in SHAPES:
            for size in (300, 2000):
                with open(os.path.join(d, "%s-%d.clif" % (shape, size)), "w") as fp:
                    fp.write(generate(shape, size))
        # Deep nests and a wide window at small sizes too.
        with open(os.path.join(d, "loops-deep.clif"), "w") as fp:
            fp.write(generate("loops", 1500, depth=40))
        with open(os.path.join(d, "live-wide.clif"), "w") as fp:
            fp.write(generate("live", 3000, live=400))
        cmd = [clif_util, "test"] + ([] if native else ["--interpret"]) + [d]
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        sys.stdout.write(res.stdout)
        if res.returncode != 0 or " 0 failed" not in res.stdout or " 0 skipped" not in res.stdout:
            print("genclif selftest: FAILED")
            return 1
    print("genclif selftest: ok")
    return 0


def main(argv):
    args = argv[1:]
    opts = {}
    for key in ("--seed", "--live", "--depth", "--sizes"):
        if key in args:
            i = args.index(key)
            opts[key] = args[i + 1]
            del args[i:i + 2]
    if args and args[0] == "--selftest" and len(args) in (2, 3):
        return selftest(args[1], len(args) == 3 and args[2] == "--native")
    if args and args[0] == "--suite" and len(args) == 2:
        sizes = [int(s) for s in opts.get("--sizes", "1000,10000,100000").split(",")]
        os.makedirs(args[1], exist_ok=True)
        for shape in SHAPES:
            for size in sizes:
                path = os.path.join(args[1], "%s-%d.clif" % (shape, size))
                with open(path, "w") as fp:
                    fp.write(generate(shape, size))
        return 0
    if len(args) == 2 and args[0] in SHAPES and args[1].isdigit():
        kw = {}
        if "--live" in opts and args[0] in ("live", "callsites"):
            kw["live"] = int(opts["--live"])
        if "--depth" in opts and args[0] == "loops":
            kw["depth"] = int(opts["--depth"])
        sys.stdout.write(generate(args[0], int(args[1]), int(opts.get("--seed", 1)), **kw))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
