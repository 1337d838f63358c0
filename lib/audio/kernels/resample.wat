;; The resampler's dot products (lib/audio/resample.ts, bulkSimd): one phase kernel against a strided run
;; of input windows, four taps per f32x4 multiply-add.
;;
;; Why a kernel: resampling is a dot product of ~100 taps per output sample; plain JS loops do about one
;; multiply-add per cycle, 128-bit SIMD four. The JS twin is `resampleWith(..., 'js')`, which computes the
;; same sums in float64 (test/audio/resample.test.ts compares the two and both against librosa).
;;
;; Memory is imported as env.mem: the caller owns it, writes the kernels and the input there, and grows it.
;; Pointers and strides are in bytes. Build: `npm run build-kernels` (resample.wasm is committed beside this).
(module
  (import "env" "mem" (memory 1))

  ;; For each of `count` outputs o = 0, 1, …:
  ;;   out[o · outStride] = Σ_t k[t] · x[o · xStride + t],  t < 8 · taps8
  ;; The kernel is zero-padded to a multiple of 8 taps, so the sum runs over whole f32x4 pairs.
  (func (export "run")
    (param $k i32)          ;; the phase's kernel: 8 · taps8 floats
    (param $x i32)          ;; the first output's input window; advances by $xStride per output
    (param $taps8 i32)      ;; kernel length / 8 (≥ 1)
    (param $xStride i32)    ;; bytes between consecutive outputs' windows
    (param $count i32)      ;; outputs to compute (may be 0)
    (param $out i32)        ;; where the first output goes; advances by $outStride
    (param $outStride i32)
    (local $turns i32)      ;; remaining 8-tap turns of this output
    (local $kp i32)         ;; walks the kernel
    (local $xp i32)         ;; walks the window
    (local $acc0 v128)      ;; taps 0–3 of each group of 8
    (local $acc1 v128)      ;; taps 4–7: two independent accumulators keep both multipliers busy
    (block $done
      (loop $outputs
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $acc1 (v128.const f32x4 0 0 0 0))
        (local.set $kp (local.get $k))
        (local.set $xp (local.get $x))
        (local.set $turns (local.get $taps8))
        (loop $taps
          (local.set $acc0
            (f32x4.add (local.get $acc0)
              (f32x4.mul (v128.load (local.get $kp)) (v128.load (local.get $xp)))))
          (local.set $acc1
            (f32x4.add (local.get $acc1)
              (f32x4.mul (v128.load offset=16 (local.get $kp)) (v128.load offset=16 (local.get $xp)))))
          (local.set $kp (i32.add (local.get $kp) (i32.const 32)))
          (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
          (br_if $taps (local.tee $turns (i32.sub (local.get $turns) (i32.const 1)))))
        ;; *out = ((lane0 + lane1) + lane2) + lane3 of (acc0 + acc1)
        (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc1)))
        (f32.store (local.get $out)
          (f32.add
            (f32.add
              (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
              (f32x4.extract_lane 2 (local.get $acc0)))
            (f32x4.extract_lane 3 (local.get $acc0))))
        (local.set $out (i32.add (local.get $out) (local.get $outStride)))
        (local.set $x (i32.add (local.get $x) (local.get $xStride)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $outputs)))))
