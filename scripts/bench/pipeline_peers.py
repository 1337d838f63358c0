"""The Python peers of the `pipeline` bench section: torchaudio and librosa on the same clips, same recipe.

Driven by scripts/bench/pipeline.ts over stdin/stdout (one JSON object per line), so the peers stay
loaded between passes and the bench can alternate soundlab and peer passes in one run:

  -> {"tool": "torchaudio", "paths": [...]}     <- {"ok": true, "ms": [...], "cpu_ms": [...], "means": [[40 floats], ...]}

Recipe per clip, start-up (imports, building the transforms) excluded, one thread:
load → mean of the channels → resample to 22050 Hz → 40 MFCCs (n_fft 2048, hop 512, 128 Slaney mel
bands, Slaney norm) → mean over frames.
"""
import json
import sys
import time


def make_torchaudio():
    import torch
    import torchaudio

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    mfcc = torchaudio.transforms.MFCC(
        sample_rate=22050,
        n_mfcc=40,
        melkwargs={"n_fft": 2048, "hop_length": 512, "n_mels": 128, "norm": "slaney", "mel_scale": "slaney"},
    )
    resamplers = {}

    def one(path):
        wav, sr = torchaudio.load(path)
        mono = wav.mean(dim=0)
        if sr != 22050:
            if sr not in resamplers:
                resamplers[sr] = torchaudio.transforms.Resample(sr, 22050)
            mono = resamplers[sr](mono)
        return mfcc(mono).mean(dim=-1).tolist()

    return one, f"torchaudio {torchaudio.__version__} (torch {torch.__version__}, {torch.get_num_threads()} thread)"


def make_librosa():
    import librosa

    def one(path):
        y, sr = librosa.load(path, sr=22050, mono=True, res_type="kaiser_fast")
        return librosa.feature.mfcc(y=y, sr=sr, n_mfcc=40).mean(axis=-1).tolist()

    return one, f"librosa {librosa.__version__}"


MAKERS = {"torchaudio": make_torchaudio, "librosa": make_librosa}


def main():
    tools = {}
    for line in sys.stdin:
        request = json.loads(line)
        name = request["tool"]
        try:
            if name not in tools:
                tools[name] = MAKERS[name]()
            one, version = tools[name]
            if request.get("probe"):
                reply = {"ok": True, "version": version}
            else:
                ms, cpu_ms, means = [], [], []
                for path in request["paths"]:
                    c0, t0 = time.process_time(), time.perf_counter()
                    means.append(one(path))
                    ms.append((time.perf_counter() - t0) * 1000)
                    cpu_ms.append((time.process_time() - c0) * 1000)
                reply = {"ok": True, "version": version, "ms": ms, "cpu_ms": cpu_ms, "means": means}
        except Exception as err:  # an unavailable peer is reported, not fatal
            reply = {"ok": False, "reason": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
