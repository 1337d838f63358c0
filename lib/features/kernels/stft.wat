;; The STFT's hot loop around PFFFT: window → real FFT → power (→ mel bands), every frame of a clip in
;; one call. Source of stft.wasm (`npm run build-kernels`; test/scripts/build-kernels.test.ts checks the
;; two match), loaded by lib/features/stft-wasm.ts. The plain-JS twin is RealFft.powerSpectrum +
;; applyFilterbank in stft.ts / mel.ts; test/features/stft-wasm.test.ts compares them.
;;
;; Why a kernel of our own next to PFFFT: PFFFT does the transform in ~4 µs per 2048-point frame, and
;; the same loops in JavaScript around it (windowing into the wasm heap, squaring the spectrum, the mel
;; projection) cost more than the transform itself. This module shares PFFFT's memory (imported) and
;; calls its transform directly, so a clip is a single call from JavaScript.
;;
;; Memory layout (all pointers are byte offsets into PFFFT's memory, 16-byte aligned, from its malloc):
;;   padded : f32, the clip zero-padded by the caller so that frame t starts at padded + 4·t·hop
;;   window : f32 × nFft (periodic Hann)
;;   in/out/work : f32 × nFft, PFFFT's buffers for one transform
;;   power  : f32 × (nFft/2 + 1), one frame's |X_k|²
;;   mel filterbank (sparse, as lib/features/mel.ts builds it): start/end i32 × nMels (bin ranges),
;;     offset i32 × nMels (index of the band's first weight), weights f32
(module
  (import "env" "memory" (memory 1))
  ;; pffft_transform_ordered(setup, input, output, work, direction)
  (import "pffft" "transform" (func $transform (param i32 i32 i32 i32 i32)))

  ;; One frame: in = frame · window (f32x4), out = FFT(in) (ordered), power = |out|².
  ;; PFFFT's ordered real output is [X0.re, X(n/2).re, X1.re, X1.im, …, X(n/2−1).re, X(n/2−1).im]:
  ;; four (re, im) pairs per 32 bytes; squaring two vectors and adding the even lanes to the odd
  ;; ones gives four bins' powers. Pair 0 holds the two real-only bins, fixed up after the loop.
  (func $frame_power (param $frame i32) (param $nFft i32) (param $window i32) (param $setup i32)
                     (param $in i32) (param $out i32) (param $work i32) (param $power i32)
    (local $i i32) (local $bytes i32) (local $a v128) (local $b v128) (local $dc f32) (local $nyquist f32)
    (local.set $bytes (i32.shl (local.get $nFft) (i32.const 2)))
    ;; windowing, four samples at a time
    (local.set $i (i32.const 0))
    (loop $win
      (v128.store (i32.add (local.get $in) (local.get $i))
        (f32x4.mul (v128.load (i32.add (local.get $frame) (local.get $i)))
                   (v128.load (i32.add (local.get $window) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $win (i32.lt_u (local.get $i) (local.get $bytes))))
    (call $transform (local.get $setup) (local.get $in) (local.get $out) (local.get $work) (i32.const 0))
    (local.set $dc (f32.load (local.get $out)))
    (local.set $nyquist (f32.load offset=4 (local.get $out)))
    ;; power: 32 bytes of output (four bins) → 16 bytes of power
    (local.set $i (i32.const 0))
    (loop $pow
      (local.set $a (v128.load (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1)))))
      (local.set $b (v128.load offset=16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 1)))))
      (local.set $a (f32x4.mul (local.get $a) (local.get $a)))
      (local.set $b (f32x4.mul (local.get $b) (local.get $b)))
      (v128.store (i32.add (local.get $power) (local.get $i))
        (f32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $b))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $b))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      ;; nFft/2 bins of 4 bytes = nFft·2 bytes
      (br_if $pow (i32.lt_u (local.get $i) (i32.shl (local.get $nFft) (i32.const 1)))))
    (f32.store (local.get $power) (f32.mul (local.get $dc) (local.get $dc)))
    (f32.store (i32.add (local.get $power) (i32.shl (local.get $nFft) (i32.const 1)))
      (f32.mul (local.get $nyquist) (local.get $nyquist))))

  ;; Every frame's power spectrum, frame-major: dest + 4·t·(nFft/2 + 1) holds frame t.
  (func (export "power_frames")
        (param $padded i32) (param $nFrames i32) (param $hop i32) (param $nFft i32) (param $window i32)
        (param $setup i32) (param $in i32) (param $out i32) (param $work i32) (param $dest i32)
    (local $t i32) (local $frameBytes i32)
    (local.set $frameBytes (i32.shl (i32.add (i32.shr_u (local.get $nFft) (i32.const 1)) (i32.const 1)) (i32.const 2)))
    (block $done
      (br_if $done (i32.eqz (local.get $nFrames)))
      (loop $frames
        (call $frame_power
          (i32.add (local.get $padded) (i32.shl (i32.mul (local.get $t) (local.get $hop)) (i32.const 2)))
          (local.get $nFft) (local.get $window) (local.get $setup)
          (local.get $in) (local.get $out) (local.get $work)
          (i32.add (local.get $dest) (i32.mul (local.get $t) (local.get $frameBytes))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $frames (i32.lt_u (local.get $t) (local.get $nFrames))))))

  ;; Every frame's mel band powers, frame-major (dest + 4·t·nMels holds frame t): each band is the
  ;; weighted sum of its bins' powers, accumulated in float64 (as librosa's float64 matmul and the
  ;; JS twin do) and stored as float32.
  (func (export "mel_frames")
        (param $padded i32) (param $nFrames i32) (param $hop i32) (param $nFft i32) (param $window i32)
        (param $setup i32) (param $in i32) (param $out i32) (param $work i32) (param $power i32)
        (param $nMels i32) (param $start i32) (param $end i32) (param $offset i32) (param $weights i32)
        (param $dest i32)
    (local $t i32) (local $m i32) (local $k i32) (local $kEnd i32) (local $w i32) (local $acc f64) (local $row i32)
    (block $done
      (br_if $done (i32.eqz (local.get $nFrames)))
      (loop $frames
        (call $frame_power
          (i32.add (local.get $padded) (i32.shl (i32.mul (local.get $t) (local.get $hop)) (i32.const 2)))
          (local.get $nFft) (local.get $window) (local.get $setup)
          (local.get $in) (local.get $out) (local.get $work) (local.get $power))
        (local.set $row (i32.add (local.get $dest) (i32.shl (i32.mul (local.get $t) (local.get $nMels)) (i32.const 2))))
        (local.set $m (i32.const 0))
        (block $bandsDone
          (br_if $bandsDone (i32.eqz (local.get $nMels)))
          (loop $bands
            (local.set $acc (f64.const 0))
            (local.set $k (i32.load (i32.add (local.get $start) (i32.shl (local.get $m) (i32.const 2)))))
            (local.set $kEnd (i32.load (i32.add (local.get $end) (i32.shl (local.get $m) (i32.const 2)))))
            (local.set $w (i32.add (local.get $weights)
              (i32.shl (i32.load (i32.add (local.get $offset) (i32.shl (local.get $m) (i32.const 2)))) (i32.const 2))))
            (block $binsDone
              (br_if $binsDone (i32.ge_u (local.get $k) (local.get $kEnd)))
              (loop $bins
                (local.set $acc (f64.add (local.get $acc)
                  (f64.mul (f64.promote_f32 (f32.load (local.get $w)))
                           (f64.promote_f32 (f32.load (i32.add (local.get $power) (i32.shl (local.get $k) (i32.const 2))))))))
                (local.set $w (i32.add (local.get $w) (i32.const 4)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br_if $bins (i32.lt_u (local.get $k) (local.get $kEnd)))))
            (f32.store (i32.add (local.get $row) (i32.shl (local.get $m) (i32.const 2))) (f32.demote_f64 (local.get $acc)))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br_if $bands (i32.lt_u (local.get $m) (local.get $nMels)))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $frames (i32.lt_u (local.get $t) (local.get $nFrames)))))))
