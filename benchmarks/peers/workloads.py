#!/usr/bin/env python3
"""Peer side of the benchmark suite: workloads W1, W2 and W3 on pycrdt (Yrs),
Loro and Automerge, through their Python bindings. Prints one JSON object.

Usage: workloads.py [--runs N] [--scales 1,10,100] [--budget SECONDS]
                    [--peers pycrdt,loro,automerge] [--only w1,w2,w3]
                    [--trace PATH]

The workloads are the ones Tandem runs in Sources/tandem-bench/PeerWorkloads.swift,
with the same values from the same seeded generator (SplitMix64, as TandemModel's SeededRandom):

  W1  one replica creates a plan of 10,000 tasks with 6 fields each (a map of task
      maps, keyed "t1".."t10000"): time, encoded state raw and zlib-compressed.
  W2  20 replicas load W1's state; each makes 500 random field updates offline
      (the same task/field/value choices for every peer), then every replica merges
      the 19 others' update messages: merge time, message bytes raw and zlib
      (the sum over the 20 messages), convergence checked.
      Two variants: "edits" makes every update its own transaction / commit, as a
      user making them over an afternoon does; "batched" puts a replica's updates in
      one transaction, the peer's best case for message size. Tandem has one form
      (every update is an operation with its own id and clock).
  W3  the automerge-paper editing trace into a text, one edit per call and per
      transaction (as an editor does): time, memory, encoded size.

Per-call binding overhead: W1, W2's edits and W3 cross from Python into Rust once per
field write or keystroke, so their times include the binding (reported per peer as
the cost of a trivial call through the same binding, and the number of such calls).
W2's merge is one native call per message (pycrdt apply_update, Loro import_batch,
Automerge merge), so merge figures carry no per-operation Python overhead.

The trace (automerge-paper, from Joseph Gentle's editing-traces, originally
automerge-perf) is licensed CC BY 4.0.
"""

import argparse
import gc
import gzip
import json
import os
import statistics
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# ---------------------------------------------------------------- shared workload

MASK = (1 << 64) - 1
FIELDS = ["title", "status", "owner", "due", "estimate", "notes"]
STATUSES = ["todo", "in_progress", "blocked", "done"]
DAY0 = 20454  # 2026-01-01 in days since 1970-01-01
TASKS = 10_000
REPLICAS = 20
EDITS_PER_REPLICA = 500
W2_SEED = 10


class SplitMix64:
    """The same generator as SeededRandom in Sources/TandemModel/Support/SeededRandom.swift."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def task_key(index):
    return "t%d" % (index + 1)


def w1_fields(index):
    """Task `index`'s six initial fields, in FIELDS order. Dates are day numbers."""
    return [
        ("title", "Task %d" % (index + 1)),
        ("status", "todo"),
        ("owner", "member-%d" % (index % 20 + 1)),
        ("due", DAY0 + index % 120),
        ("estimate", index % 16 + 1),
        ("notes", "Onboarding step %d" % (index + 1)),
    ]


def w2_value(task, field, raw):
    if field == "title":
        return "Task %d v%d" % (task + 1, raw % 1000)
    if field == "status":
        return STATUSES[raw % 4]
    if field == "owner":
        return "member-%d" % (raw % 20 + 1)
    if field == "due":
        return DAY0 + raw % 365
    if field == "estimate":
        return raw % 40 + 1
    return "Note %d" % (raw % 100000)


def w2_edits(replicas, per_replica, tasks=TASKS, seed=W2_SEED):
    """Per replica, its updates as (task index, field, value); replica 0 first."""
    random = SplitMix64(seed)
    plan = []
    for _ in range(replicas):
        edits = []
        for _ in range(per_replica):
            task = random.next() % tasks
            field = FIELDS[random.next() % len(FIELDS)]
            edits.append((task, field, w2_value(task, field, random.next())))
        plan.append(edits)
    return plan


def median(values):
    return statistics.median(values) if values else None


def resident_mb():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1048576


def zsize(data):
    return len(zlib.compress(bytes(data), 6))


def call_cost_ns(call, n=200_000):
    """Median cost of one trivial call through a binding, in ns."""
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            call()
        samples.append((time.perf_counter() - start) / n * 1e9)
    return median(samples)


# ---------------------------------------------------------------- pycrdt (Yrs)

class Pycrdt:
    name = "pycrdt"
    engine = "Yrs (Rust port of Yjs)"

    def __init__(self):
        import pycrdt
        self.y = pycrdt
        self.version = getattr(pycrdt, "__version__", "?")

    def w1(self, tasks):
        y = self.y
        rows = [(task_key(i), dict(w1_fields(i))) for i in range(tasks)]
        doc = y.Doc(client_id=1)
        start = time.perf_counter()
        root = doc.get("tasks", type=y.Map)
        with doc.transaction():
            for key, fields in rows:
                root[key] = y.Map(fields)  # one call per task: the dict is integrated natively
        elapsed = time.perf_counter() - start
        return doc, elapsed, tasks

    def state(self, doc):
        return {"update": doc.get_update()}

    def headline_state(self, states):
        return "update"

    def load(self, state, replica):
        doc = self.y.Doc(client_id=replica + 2)
        doc.apply_update(state["update"])
        return doc

    def replica_edits(self, doc, edits, batched):
        root = doc.get("tasks", type=self.y.Map)
        before = doc.get_state()
        start = time.perf_counter()
        if batched:
            with doc.transaction():
                for task, field, value in edits:
                    root[task_key(task)][field] = value
        else:
            for task, field, value in edits:
                with doc.transaction():
                    root[task_key(task)][field] = value
        elapsed = time.perf_counter() - start
        return [doc.get_update(before)], elapsed

    def merge(self, doc, messages):
        for message in messages:
            doc.apply_update(message)

    def value(self, doc):
        return doc.get("tasks", type=self.y.Map).to_py()

    def field(self, doc, task, field):
        return doc.get("tasks", type=self.y.Map)[task_key(task)][field]

    def trivial_call(self):
        doc = self.y.Doc(client_id=1)
        root = doc.get("tasks", type=self.y.Map)
        root["t"] = 1
        return lambda: root.get("t")

    def w3(self, patches):
        # The existing single-peer script replays the trace; reuse it.
        sys.path.insert(0, HERE)
        import text_trace_pycrdt
        base = resident_mb()
        doc, text, elapsed = text_trace_pycrdt.replay(patches, skip_gc=True)
        grown = resident_mb() - base
        return {"text": str(text), "time_s": elapsed, "rss_growth_mb": grown,
                "encoded": {"update (skip_gc, keeps deleted text)": doc.get_update()},
                "extra": lambda: {"update (default GC)": text_trace_pycrdt.replay(patches, skip_gc=False)[0].get_update()}}


# ---------------------------------------------------------------- Loro

class Loro:
    name = "loro"
    engine = "Loro (Rust)"

    def __init__(self):
        import loro
        self.l = loro
        self.version = getattr(loro, "__version__", None) or getattr(loro, "LORO_VERSION", "?")
        if callable(self.version):
            self.version = self.version()

    def w1(self, tasks):
        l = self.l
        rows = [(task_key(i), w1_fields(i)) for i in range(tasks)]
        doc = l.LoroDoc()
        doc.peer_id = 1
        start = time.perf_counter()
        root = doc.get_map("tasks")
        for key, fields in rows:
            task = root.insert_container(key, l.LoroMap())
            for field, value in fields:
                task.insert(field, value)
        doc.commit()
        elapsed = time.perf_counter() - start
        return doc, elapsed, tasks * 7

    def state(self, doc):
        l = self.l
        return {"snapshot": doc.export(l.ExportMode.Snapshot()),
                "updates from empty": doc.export(l.ExportMode.Updates(l.VersionVector()))}

    def headline_state(self, states):
        return min(states, key=lambda k: len(states[k]))

    def load(self, state, replica):
        doc = self.l.LoroDoc()
        doc.import_(state["snapshot"])
        doc.peer_id = replica + 2
        # Importing a snapshot is lazy: the first query decodes the state. Do it here,
        # outside the timed merge, as an app showing the plan would have done.
        doc.get_deep_value()
        return doc

    def replica_edits(self, doc, edits, batched):
        l = self.l
        root = doc.get_map("tasks")
        before = doc.oplog_vv
        start = time.perf_counter()
        for task, field, value in edits:
            root.get(task_key(task)).container.insert(field, value)
            if not batched:
                doc.commit()
        doc.commit()
        elapsed = time.perf_counter() - start
        return [doc.export(l.ExportMode.Updates(before))], elapsed

    def merge(self, doc, messages):
        doc.import_batch(messages)

    def value(self, doc):
        return doc.get_deep_value()

    def field(self, doc, task, field):
        return doc.get_map("tasks").get(task_key(task)).container.get(field).value

    def trivial_call(self):
        doc = self.l.LoroDoc()
        root = doc.get_map("tasks")
        root.insert("t", 1)
        return lambda: root.get("t")

    def w3(self, patches):
        l = self.l
        base = resident_mb()
        doc = l.LoroDoc()
        doc.peer_id = 1
        text = doc.get_text("text")
        start = time.perf_counter()
        for pos, ndel, ins in patches:
            if ndel:
                text.delete(pos, ndel)
            if ins:
                text.insert(pos, ins)
            doc.commit()
        elapsed = time.perf_counter() - start
        grown = resident_mb() - base
        return {"text": text.to_string(), "time_s": elapsed, "rss_growth_mb": grown,
                "encoded": {"snapshot": doc.export(l.ExportMode.Snapshot()),
                            "updates from empty": doc.export(l.ExportMode.Updates(l.VersionVector()))}}


# ---------------------------------------------------------------- Automerge

class Automerge:
    name = "automerge"
    engine = "Automerge (Rust core)"

    def __init__(self):
        import automerge.core as am
        self.a = am
        try:
            from importlib.metadata import version
            self.version = version("automerge")
        except Exception:
            self.version = "?"

    def scalar(self, value):
        return (self.a.ScalarType.Int, value) if isinstance(value, int) else (self.a.ScalarType.Str, value)

    def w1(self, tasks):
        a = self.a
        rows = [(task_key(i), [(f, self.scalar(v)) for f, v in w1_fields(i)]) for i in range(tasks)]
        doc = a.Document(actor_id=(1).to_bytes(16, "big"))
        start = time.perf_counter()
        with doc.transaction() as tx:
            root = tx.put_object(a.ROOT, "tasks", a.ObjType.Map)
            for key, fields in rows:
                task = tx.put_object(root, key, a.ObjType.Map)
                for field, (kind, value) in fields:
                    tx.put(task, field, kind, value)
        elapsed = time.perf_counter() - start
        return doc, elapsed, tasks * 7 + 1

    def state(self, doc):
        # save() already deflates large columns; the Python binding has no uncompressed save.
        return {"save()": doc.save()}

    def headline_state(self, states):
        return "save()"

    def load(self, state, replica):
        doc = self.a.Document.load(state["save()"])
        doc.set_actor((replica + 2).to_bytes(16, "big"))
        return doc

    def replica_edits(self, doc, edits, batched):
        a = self.a
        root = doc.get(a.ROOT, "tasks")[1]
        heads = doc.get_heads()
        ids = {}
        for task, _, _ in edits:
            if task not in ids:
                ids[task] = doc.get(root, task_key(task))[1]
        start = time.perf_counter()
        if batched:
            with doc.transaction() as tx:
                for task, field, value in edits:
                    kind, v = self.scalar(value)
                    tx.put(ids[task], field, kind, v)
        else:
            for task, field, value in edits:
                kind, v = self.scalar(value)
                with doc.transaction() as tx:
                    tx.put(ids[task], field, kind, v)
        elapsed = time.perf_counter() - start
        # What a peer must receive: the new changes, uncompressed (raw_bytes).
        return [b"".join(c.raw_bytes for c in doc.get_changes(heads))], elapsed

    def merge(self, doc, others):
        for other in others:
            doc.merge(other)

    def value(self, doc):
        return self.a.extract(doc)

    def field(self, doc, task, field):
        tasks = doc.get(self.a.ROOT, "tasks")[1]
        return doc.get(doc.get(tasks, task_key(task))[1], field)[0][1]

    def trivial_call(self):
        doc = self.a.Document()
        with doc.transaction() as tx:
            tx.put(self.a.ROOT, "t", self.a.ScalarType.Int, 1)
        return lambda: doc.get(self.a.ROOT, "t")

    def w3(self, patches):
        a = self.a
        base = resident_mb()
        doc = a.Document(actor_id=(1).to_bytes(16, "big"))
        with doc.transaction() as tx:
            text = tx.put_object(a.ROOT, "text", a.ObjType.Text)
        start = time.perf_counter()
        for pos, ndel, ins in patches:
            with doc.transaction() as tx:
                for _ in range(ndel):
                    tx.delete(text, pos)
                if ins:
                    tx.insert(text, pos, a.ScalarType.Str, ins)
        elapsed = time.perf_counter() - start
        grown = resident_mb() - base
        return {"text": doc.text(text), "time_s": elapsed, "rss_growth_mb": grown,
                "encoded": {"save()": doc.save()}}


PEERS = {"pycrdt": Pycrdt, "loro": Loro, "automerge": Automerge}


# ---------------------------------------------------------------- runners

def run_w1(peer, runs):
    times, calls, doc = [], 0, None
    for _ in range(runs):
        doc = None
        gc.collect()
        doc, elapsed, calls = peer.w1(TASKS)
        times.append(elapsed)
    start = time.perf_counter()
    states = peer.state(doc)
    encode = time.perf_counter() - start
    headline = peer.headline_state(states)
    return {
        "time_s": median(times), "times_s": times,
        "binding_calls": calls,
        "encode_s": encode,
        "encodings": {k: {"raw": len(v), "zlib": zsize(v)} for k, v in states.items()},
        "headline": headline,
        "raw": len(states[headline]), "zlib": zsize(states[headline]),
    }, states


def run_w2(peer, states, scale, runs, batched):
    per_replica = EDITS_PER_REPLICA * scale
    plan = w2_edits(REPLICAS, per_replica)
    merges, edit_times, raws, zlibs, converged = [], [], [], [], False
    for _ in range(runs):
        gc.collect()
        replicas = [peer.load(states, r) for r in range(REPLICAS)]
        messages, edit_time = [], 0.0
        for doc, edits in zip(replicas, plan):
            sent, elapsed = peer.replica_edits(doc, edits, batched)
            messages.append(sent[0])
            edit_time += elapsed
        raws.append(sum(len(m) for m in messages))
        zlibs.append(sum(zsize(m) for m in messages))
        if isinstance(peer, Automerge):
            # No apply_changes/load_incremental in the binding: merge takes the other
            # document and finds the changes it lacks. Each replica merges a fork made
            # before any merging, so it receives exactly the sender's 500 changes.
            sources = [doc.fork() for doc in replicas]
        start = time.perf_counter()
        for index, doc in enumerate(replicas):
            if isinstance(peer, Automerge):
                peer.merge(doc, [s for j, s in enumerate(sources) if j != index])
            else:
                peer.merge(doc, [m for j, m in enumerate(messages) if j != index])
        merges.append(time.perf_counter() - start)
        edit_times.append(edit_time)
        if len(merges) == runs:
            # Whole documents of the first and last replica, and every updated field on all
            # 20 (extracting 20 whole documents through the binding takes longer than the run).
            touched = sorted({(task, field) for edits in plan for task, field, _ in edits})
            first = [peer.field(replicas[0], t, f) for t, f in touched]
            converged = (peer.value(replicas[0]) == peer.value(replicas[-1])
                         and all([peer.field(doc, t, f) for t, f in touched] == first for doc in replicas[1:]))
        replicas = sources = None
    return {
        "scale": scale, "updates": REPLICAS * per_replica, "runs": runs,
        "merge_s": median(merges), "merges_s": merges,
        "merge_per_replica_s": median(merges) / REPLICAS,
        "edit_s": median(edit_times),
        "message_raw": median(raws), "message_zlib": median(zlibs),
        "converged": converged,
    }


def load_trace(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        trace = json.load(f)
    return trace, [p for txn in trace["txns"] for p in txn["patches"]]


def w3_memory(name, path):
    """Resident-set growth of one replay in a fresh process (after loading the trace), so
    memory freed by earlier runs and reused by the allocator does not hide it."""
    import subprocess
    try:
        child = subprocess.run([sys.executable, os.path.abspath(__file__), "--w3-memory", name, "--trace", path],
                               capture_output=True, text=True, timeout=600)
        return json.loads(child.stdout)
    except (OSError, ValueError, subprocess.SubprocessError):
        return {}


def w3_memory_child(name, path):
    trace, patches = load_trace(path)
    peer = PEERS[name]()
    gc.collect()
    result = peer.w3(patches)
    print(json.dumps({"rss_growth_mb": result["rss_growth_mb"], "time_s": result["time_s"],
                      "ok": result["text"] == trace["endContent"]}))


def run_w3(peer, trace, patches, runs, path):
    # The first run in a fresh process gives the memory figure and counts as a timed run.
    child = w3_memory(peer.name, path)
    times = [child["time_s"]] if "time_s" in child else []
    result = None
    for _ in range(max(1, runs - len(times))):
        result = None
        gc.collect()
        result = peer.w3(patches)
        times.append(result["time_s"])
    encoded = dict(result["encoded"])
    if "extra" in result:
        encoded.update(result["extra"]())
    return {
        "time_s": median(times), "times_s": times,
        "binding_calls": len(patches),
        "rss_growth_mb": child.get("rss_growth_mb"),
        "ok": result["text"] == trace["endContent"] and child.get("ok", True),
        "encodings": {k: {"raw": len(v), "zlib": zsize(v)} for k, v in encoded.items()},
    }


def find_trace(explicit):
    candidates = [explicit] if explicit else []
    env = os.environ.get("TANDEM_TRACES")
    if env:
        candidates.append(os.path.join(env, "automerge-paper.json.gz"))
    candidates += [os.path.join(os.path.dirname(REPO), "shared", "traces", "automerge-paper.json.gz"),
                   os.path.join(REPO, "shared", "traces", "automerge-paper.json.gz")]
    return next((c for c in candidates if c and os.path.exists(c)), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--budget", type=float, default=40.0,
                        help="skip a W2 scale whose projected run time (10x the previous) exceeds this many seconds")
    parser.add_argument("--peers", default="pycrdt,loro,automerge")
    parser.add_argument("--only", default="w1,w2,w3")
    parser.add_argument("--trace")
    parser.add_argument("--w3-memory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.w3_memory:
        w3_memory_child(args.w3_memory, args.trace)
        return
    only = set(args.only.split(","))
    scales = [int(s) for s in args.scales.split(",") if s]

    out = {"workload": {"tasks": TASKS, "fields": FIELDS, "replicas": REPLICAS,
                        "updates_per_replica": EDITS_PER_REPLICA, "seed": W2_SEED},
           "python": sys.version.split()[0], "peers": {}}
    trace = patches = path = None
    if "w3" in only:
        path = find_trace(args.trace)
        if path:
            trace, patches = load_trace(path)
        else:
            out["w3_skipped"] = "automerge-paper.json.gz not found (set TANDEM_TRACES)"

    for name in args.peers.split(","):
        try:
            peer = PEERS[name]()
        except ImportError as error:
            out["peers"][name] = {"skipped": "not installed (%s)" % error}
            continue
        print("peer %s %s" % (name, peer.version), file=sys.stderr)
        result = {"version": str(peer.version), "engine": peer.engine,
                  "binding_call_ns": call_cost_ns(peer.trivial_call())}
        states = None
        if "w1" in only or "w2" in only:
            result["w1"], states = run_w1(peer, args.runs)
            print("  w1 %.3f s" % result["w1"]["time_s"], file=sys.stderr)
        if "w2" in only:
            w2 = {}
            for variant, batched in (("edits", False), ("batched", True)):
                rows, previous = [], None
                for scale in scales:
                    # Projected from the previous scale, with half again for superlinear growth.
                    projected = 1.5 * previous * scale / prior_scale if previous is not None else 0
                    if projected > args.budget:
                        rows.append({"scale": scale, "skipped": "projected %.0f s > budget %.0f s"
                                     % (projected, args.budget)})
                        break
                    runs = args.runs if scale == 1 else 1
                    row = run_w2(peer, states, scale, runs, batched)
                    # What grows with the scale: edits and merge (loading W1's state does not).
                    previous, prior_scale = row["merge_s"] + row["edit_s"], scale
                    rows.append(row)
                    print("  w2 %s x%d merge %.3f s" % (variant, scale, row["merge_s"]), file=sys.stderr)
                    if variant == "batched":
                        break  # the batched variant only at x1: it is about message size
                w2[variant] = rows
            result["w2"] = w2
        states = None
        if "w3" in only and patches is not None:
            result["w3"] = run_w3(peer, trace, patches, args.runs, path)
            print("  w3 %.3f s" % result["w3"]["time_s"], file=sys.stderr)
        out["peers"][name] = result
        gc.collect()
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
