#!/usr/bin/env python3
"""Writes the small generated seeds under Fuzz/seeds/<target>/ (committed; rerun to refresh).

Seeds are starting points for libFuzzer, not tests: small valid files of each format plus a
few near misses, so mutation starts deep inside the parser. scripts/fuzz.sh adds the real
files of the repository (test vectors, fixtures) to these. Deterministic: no randomness, no
clock, so rerunning changes nothing unless this script changes. Standard library only.

Not written here: seeds/model-signature/ holds a signature made once by `prune sign-model` (a
folder with model.onnx and an ignored README.txt, a fresh ECDSA P-256 key) and the Statement
inside it; ECDSA signatures are randomised, so they are kept as they are. seeds/proof/ holds
inclusion proofs written by prune itself, from the reports of the sample and the vectors:

  prune report prove SampleBundles/audit-1.json.gz --point <commitment of row 3>   > audit-1-row3.json
  prune report prove SampleBundles/audit-2.json.gz --point <commitment of row 0>   > audit-2-row0.json
  prune report prove Specs/vectors/report/report-failed.json.gz --point <row 2>    > failed-row2.json
  prune report prove Specs/vectors/report/report-failed.json.gz --point <row 0>    > failed-row0.json

(trees of 4 and 3 leaves: a full path, a right-edge leaf with no sibling at its level.)
"""
import base64
import gzip
import json
import os
import struct
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "Fuzz", "seeds")


def write(target, name, data):
    folder = os.path.join(SEEDS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def pair(first, second):
    """Two files in one input: a 2-byte big-endian length of the first (FuzzHarness.split)."""
    assert len(first) < 1 << 16
    return struct.pack(">H", len(first)) + first + second


# --- csv -------------------------------------------------------------------------------
with open(os.path.join(ROOT, "SampleBundles", "data", "digits.csv"), "rb") as f:
    digits = f.read().split(b"\n")
write("csv", "digits-head.csv", b"\n".join(digits[:4]) + b"\n")
write("csv", "small.csv", "a,b,label\n0.5,1e-3,1\n-2,3.25,0\n")
write("csv", "crlf-bom-quoted.csv", b"\xef\xbb\xbf\"x\", \"label\" ,y\r\n\"1\",2,3\r\n\r\n4 ,5,\t6\r\n")
write("csv", "label-first.csv", "label,f\n3,0\n1,-0.0\n")
write("csv", "non-finite.csv", "f,label\nnan,1\n1e999,0\n")

# --- nnet ------------------------------------------------------------------------------
def nnet(sizes, mins, maxs, means, ranges, value=0.25):
    row = lambda v: ",".join(repr(float(x)) for x in v) + ",\n"
    t = "// seed network\n"
    t += "%d,%d,%d,%d,\n" % (len(sizes) - 1, sizes[0], sizes[-1], max(sizes))
    t += ",".join(str(s) for s in sizes) + ",\n0,\n"
    t += row(mins) + row(maxs) + row(means) + row(ranges)
    for l in range(len(sizes) - 1):
        for j in range(sizes[l + 1]):
            t += row([value * ((i + j) % 3 - 1) for i in range(sizes[l])])
        for j in range(sizes[l + 1]):
            t += row([0.125 * j])
    return t


write("nnet", "small.nnet", nnet([3, 4, 3, 2], [-1, 0, 2], [1, 5, 4], [0.5, 2, 3, 1.5], [2, 4, 0.5, 3]))
write("nnet", "single-layer.nnet", nnet([2, 2], [0, 0], [1, 1], [0, 0, 0], [1, 1, 1]))
write("nnet", "crlf.nnet", nnet([1, 1, 1], [0], [1], [0, 0], [1, 1]).replace("\n", "\r\n"))

# --- npy (features, labels pairs) ------------------------------------------------------
def npy(descr, shape, payload, version=1):
    shape_text = "(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"
    header = ("{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)).encode()
    prefix = 10 if version == 1 else 12
    while (prefix + len(header) + 1) % 64:
        header += b" "
    header += b"\n"
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + size + header + payload


x32 = npy("<f4", [2, 3], struct.pack("<6f", 0, 0.5, 1, -1, 2.5, 3))
x64 = npy("<f8", [3, 2], struct.pack("<6d", 0, 0.5, 1, -1, 2.5, 3), version=2)
xu8 = npy("|u1", [2, 2, 2], bytes(range(8)))
y64 = npy("<i8", [2], struct.pack("<2q", 0, 1))
y32 = npy("<i4", [3], struct.pack("<3i", 2, 0, 1))
yf = npy("<f4", [2], struct.pack("<2f", 1, 0))
write("npy", "f4-i8.pair", pair(x32, y64))
write("npy", "f8v2-i4.pair", pair(x64, y32))
write("npy", "u1-f4.pair", pair(xu8, yf))
write("npy", "object.pair", pair(npy("|O", [1, 1], b"\x00"), y64))

# --- idx (images, labels pairs) --------------------------------------------------------
def idx_images(n, rows, cols):
    return struct.pack(">BBBBIII", 0, 0, 8, 3, n, rows, cols) + bytes((i * 37) % 256 for i in range(n * rows * cols))


def idx_labels(labels):
    return struct.pack(">BBBBI", 0, 0, 8, 1, len(labels)) + bytes(labels)


write("idx", "two-3x3.pair", pair(idx_images(2, 3, 3), idx_labels([1, 7])))
write("idx", "one-1x1.pair", pair(idx_images(1, 1, 1), idx_labels([0])))
write("idx", "count-mismatch.pair", pair(idx_images(3, 2, 2), idx_labels([1, 2])))

# --- compression (gzip and zlib) -------------------------------------------------------
text = b"prune fuzz seed " * 8
write("compression", "text.zlib", zlib.compress(text))
write("compression", "text.gz", gzip.compress(text, mtime=0))
write("compression", "empty.zlib", zlib.compress(b""))
write("compression", "empty.gz", gzip.compress(b"", mtime=0))
write("compression", "stored.zlib", zlib.compress(bytes(range(256)), 0))
write("compression", "zeros.gz", gzip.compress(bytes(4096), 9, mtime=0))
write("compression", "two-members.gz", gzip.compress(b"a", mtime=0) + gzip.compress(b"b", mtime=0))

# --- pem -------------------------------------------------------------------------------
for name in ["test-only-signer.pub.pem"]:
    with open(os.path.join(ROOT, "Specs", "vectors", "patch-bundle", name), "rb") as f:
        pem = f.read()
    body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
    write("pem", "ed25519.der", base64.b64decode(body))
with open(os.path.join(ROOT, "Tests", "PruneCryptoTests", "Vectors", "dsse-spec-key.pub"), "rb") as f:
    pem = f.read()
body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
write("pem", "p256.der", base64.b64decode(body))
write("pem", "p256-crlf.pem", pem.replace(b"\n", b"\r\n"))

# --- onnx ------------------------------------------------------------------------------
# The fixtures under Tests/PruneModelTests/Fixtures/onnx are the seeds (scripts/fuzz.sh adds
# them); nothing is generated here, so protobuf stays out of this script.

# --- bundle ----------------------------------------------------------------------------
# The Statements inside the valid vectors, so depth 2 (sign and verify) starts from real
# payloads, and a patch file cut down to one patch, for depth 3.
vectors = os.path.join(ROOT, "Specs", "vectors", "patch-bundle")
for name in ["valid-root", "valid-child"]:
    with open(os.path.join(vectors, name + ".bundle.json"), "rb") as f:
        bundle = json.load(f)
    write("bundle", name + ".statement.json", base64.b64decode(bundle["dsseEnvelope"]["payload"]))
with open(os.path.join(vectors, "patches-child.json"), "rb") as f:
    patches = json.load(f)
patches["points"] = patches["points"][:1]
patches["patches"] = patches["patches"][:1]
patches["certificates"] = patches["certificates"][:1]
write("bundle", "one-patch.patches.json", json.dumps(patches, sort_keys=True, separators=(",", ":")))

# --- report ----------------------------------------------------------------------------
# The decompressed content of the vectors' and the sample reports (a Sigstore bundle, or the
# bare envelope of the unsigned one) for depth 2, and the Statements inside them for depths 3
# and 4; the gzip files themselves are seeds through the target's fuzz-seeds line.
reports = [("Specs/vectors/report", "report-passed"), ("Specs/vectors/report", "report-failed"),
           ("Specs/vectors/report", "report-unsigned"), ("SampleBundles", "audit-1")]
for folder, name in reports:
    with gzip.open(os.path.join(ROOT, folder, name + ".json.gz"), "rb") as f:
        content = f.read()
    envelope = json.loads(content)
    write("report", name + ".content.json", content)
    if name != "report-unsigned":  # its Statement is report-passed's
        write("report", name + ".statement.json", base64.b64decode(envelope.get("dsseEnvelope", envelope)["payload"]))

print("seeds written under", os.path.relpath(SEEDS, ROOT))
