#!/usr/bin/env python3
"""Peer benchmark: replays an editing trace through pycrdt (Yrs, the Rust port of Yjs).

Usage: text_trace_pycrdt.py TRACE.json.gz [RUNS]

RUNS 0 prints {"skipped": ...} at once: the suite (scripts/bench-all) measures pycrdt
on this trace in benchmarks/peers/workloads.py, beside Loro and Automerge.

Prints one JSON object on stdout:
  time_median_s       median wall time of RUNS replays (default 3)
  times_s             every run
  update_bytes        len(Doc.get_update()) with the default garbage collection,
                      which drops the content of deleted text
  update_bytes_no_gc  the same with Doc(skip_gc=True), which keeps deleted text
                      (what Tandem's encoding keeps, for time travel)
  *_zlib              those updates compressed with zlib level 6
  ok                  whether the final text equals the trace's endContent

The trace (automerge-paper, from Joseph Gentle's editing-traces, originally
automerge-perf) is licensed CC BY 4.0.

Each edit is its own (implicit) transaction, as in an editor. Wrapping the
whole replay in one `doc.transaction()` was tried and is about 17 times slower
(132 s against 7.7 s on the 2-core reference machine): Yrs squashes adjacent
blocks only when a transaction commits, so one giant transaction keeps every
keystroke a separate block. Positions in the trace count code points; pycrdt's
Text indexes Python strings the same way (the trace is ASCII anyway).
"""

import gzip
import json
import statistics
import sys
import time
import zlib

try:
    import pycrdt
except ImportError:
    print(json.dumps({"skipped": "pycrdt is not installed (pip install pycrdt)"}))
    sys.exit(0)


def replay(patches, skip_gc):
    doc = pycrdt.Doc(skip_gc=skip_gc)
    text = doc.get("text", type=pycrdt.Text)
    start = time.perf_counter()
    for pos, ndel, ins in patches:
        if ndel:
            del text[pos:pos + ndel]
        if ins:
            text.insert(pos, ins)
    elapsed = time.perf_counter() - start
    return doc, text, elapsed


def main():
    if len(sys.argv) < 2:
        print("usage: text_trace_pycrdt.py TRACE.json.gz [RUNS]", file=sys.stderr)
        sys.exit(2)
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if runs < 1:
        print(json.dumps({"skipped": "measured by benchmarks/peers/workloads.py (RUNS 0)"}))
        return
    with gzip.open(sys.argv[1], "rt", encoding="utf-8") as f:
        trace = json.load(f)
    patches = [p for txn in trace["txns"] for p in txn["patches"]]

    times = []
    doc = text = None
    for _ in range(runs):
        doc, text, elapsed = replay(patches, skip_gc=False)
        times.append(elapsed)
    ok = str(text) == trace["endContent"]
    update = doc.get_update()
    doc_no_gc, _, _ = replay(patches, skip_gc=True)
    update_no_gc = doc_no_gc.get_update()

    print(json.dumps({
        "peer": "pycrdt " + getattr(pycrdt, "__version__", "?"),
        "runs": runs,
        "time_median_s": statistics.median(times),
        "times_s": times,
        "update_bytes": len(update),
        "update_bytes_no_gc": len(update_no_gc),
        "update_bytes_zlib": len(zlib.compress(update, 6)),
        "update_bytes_no_gc_zlib": len(zlib.compress(update_no_gc, 6)),
        "ok": ok,
    }))


if __name__ == "__main__":
    main()
