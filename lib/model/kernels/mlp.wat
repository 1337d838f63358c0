;; The MLP training step's kernels (lib/model/fast-mlp.ts via KernelHeap in lib/model/mlp-kernels.ts):
;; a matrix product with fused bias and ReLU, Adam's update, the gradient back through ReLU + Dropout, and
;; Dropout itself (its seeded masks drawn and applied).
;;
;; Why our own kernels: at batch 32 each tfjs kernel call costs more in tensor bookkeeping than in
;; arithmetic, and XNNPACK re-packs a weight matrix whenever it changes (every step, in training). Here
;; everything lives in one memory laid out once, and a kernel is one call with pointers and strides.
;;
;; Each function has a plain-JS twin that computes the same (KernelHeap's fallback loops; Adam's is
;; `adamUpdate` in lib/model/adam.ts); test/model/mlp-kernels.test.ts compares them.
;; Memory is imported as env.mem (the caller owns and grows it). Pointers and strides are in bytes.
;; Build: `npm run build-kernels` (mlp.wasm is committed beside this file).
;; The build also writes mlp.shared.wasm: this text with the memory import declared shared, so that
;; lib/model/mlp-threads.ts can run half of each kernel call on a helper thread over the same memory.
;; variant: shared
(module
  (import "env" "mem" (memory 1))

  ;; C = A·B (+ bias) (then ReLU), in register blocks of 4 rows × 8 columns.
  ;;
  ;; A is read through arbitrary row and column strides, so one function does a Dense layer's three
  ;; products: forward Z = H·W + b (A = H: strides ld, 4), weight gradient dW = Hᵀ·dZ (A = Hᵀ: strides
  ;; 4, ld, i.e. H read down its columns) and input gradient dHᵀ = W·dZᵀ. B and C are row-major.
  ;; The sizes are counted in blocks: the caller's buffers must hold 4·m4 rows and 8·n8 columns
  ;; (zero-padded operands give zero-padded results).
  (func (export "gemm")
    (param $m4 i32)     ;; row blocks of C (rows / 4, rounded up)
    (param $n8 i32)     ;; column blocks of C (columns / 8, rounded up)
    (param $k i32)      ;; inner dimension; k = 0 leaves C untouched
    (param $a i32)      ;; A[0, 0]
    (param $aRow i32)   ;; bytes from A[i, p] to A[i + 1, p]
    (param $aCol i32)   ;; bytes from A[i, p] to A[i, p + 1]
    (param $b i32)      ;; B[0, 0]
    (param $ldb i32)    ;; B's row stride
    (param $c i32)      ;; C[0, 0]
    (param $ldc i32)    ;; C's row stride
    (param $bias i32)   ;; 8·n8 floats, read when flags & 1
    (param $flags i32)  ;; 1: add the bias; 2: ReLU
    (local $rowBlocks i32)  ;; row blocks left
    (local $colBlocks i32)  ;; column blocks left in this row block
    (local $kLeft i32)      ;; inner steps left
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32)  ;; A[i + r, p] for the block's 4 rows
    (local $pb i32)         ;; B[p, block's first column]
    (local $pc i32)         ;; C[block's first row, block's first column]
    (local $aBlock i32)     ;; A[first row of this row block, 0]
    (local $cBlock i32)     ;; C[first row of this row block, 0]
    (local $bBlock i32)     ;; B[0, first column of this column block]
    (local $biasP i32)      ;; bias[first column of this column block]
    ;; $accRC: row R of the block, columns 0–3 (C = 0) or 4–7 (C = 1)
    (local $acc00 v128) (local $acc01 v128) (local $acc10 v128) (local $acc11 v128)
    (local $acc20 v128) (local $acc21 v128) (local $acc30 v128) (local $acc31 v128)
    (local $b0 v128) (local $b1 v128)  ;; B[p, columns 0–3] and B[p, columns 4–7]
    (local $s v128)                    ;; A[i + r, p] in all four lanes
    (local $cRow i32)                  ;; walks down C's rows when storing a block
    (if (i32.eqz (local.get $k)) (then (return)))
    (local.set $aBlock (local.get $a))
    (local.set $cBlock (local.get $c))
    (local.set $rowBlocks (local.get $m4))
    (block $rowsDone
      (br_if $rowsDone (i32.eqz (local.get $rowBlocks)))
      (loop $rows
        (local.set $bBlock (local.get $b))
        (local.set $pc (local.get $cBlock))
        (local.set $biasP (local.get $bias))
        (local.set $colBlocks (local.get $n8))
        (block $colsDone
          (br_if $colsDone (i32.eqz (local.get $colBlocks)))
          (loop $cols
            ;; The accumulators start at the bias (the same 8 values for every row), or zero.
            (if (i32.and (local.get $flags) (i32.const 1))
              (then
                (local.set $acc00 (v128.load (local.get $biasP)))
                (local.set $acc01 (v128.load offset=16 (local.get $biasP)))
                (local.set $acc10 (v128.load (local.get $biasP)))
                (local.set $acc11 (v128.load offset=16 (local.get $biasP)))
                (local.set $acc20 (v128.load (local.get $biasP)))
                (local.set $acc21 (v128.load offset=16 (local.get $biasP)))
                (local.set $acc30 (v128.load (local.get $biasP)))
                (local.set $acc31 (v128.load offset=16 (local.get $biasP))))
              (else
                (local.set $acc00 (v128.const f32x4 0 0 0 0))
                (local.set $acc01 (v128.const f32x4 0 0 0 0))
                (local.set $acc10 (v128.const f32x4 0 0 0 0))
                (local.set $acc11 (v128.const f32x4 0 0 0 0))
                (local.set $acc20 (v128.const f32x4 0 0 0 0))
                (local.set $acc21 (v128.const f32x4 0 0 0 0))
                (local.set $acc30 (v128.const f32x4 0 0 0 0))
                (local.set $acc31 (v128.const f32x4 0 0 0 0))))
            (local.set $pa0 (local.get $aBlock))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $aRow)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $aRow)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $aRow)))
            (local.set $pb (local.get $bBlock))
            (local.set $kLeft (local.get $k))
            ;; acc[r] += A[i + r, p] · B[p, 0..8], p = 0 … k − 1 (k ≥ 1: checked on entry)
            (loop $inner
              (local.set $b0 (v128.load (local.get $pb)))
              (local.set $b1 (v128.load offset=16 (local.get $pb)))
              (local.set $s (v128.load32_splat (local.get $pa0)))
              (local.set $acc00 (f32x4.add (local.get $acc00) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $acc01 (f32x4.add (local.get $acc01) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $s (v128.load32_splat (local.get $pa1)))
              (local.set $acc10 (f32x4.add (local.get $acc10) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $acc11 (f32x4.add (local.get $acc11) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $s (v128.load32_splat (local.get $pa2)))
              (local.set $acc20 (f32x4.add (local.get $acc20) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $acc21 (f32x4.add (local.get $acc21) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $s (v128.load32_splat (local.get $pa3)))
              (local.set $acc30 (f32x4.add (local.get $acc30) (f32x4.mul (local.get $s) (local.get $b0))))
              (local.set $acc31 (f32x4.add (local.get $acc31) (f32x4.mul (local.get $s) (local.get $b1))))
              (local.set $pa0 (i32.add (local.get $pa0) (local.get $aCol)))
              (local.set $pa1 (i32.add (local.get $pa1) (local.get $aCol)))
              (local.set $pa2 (i32.add (local.get $pa2) (local.get $aCol)))
              (local.set $pa3 (i32.add (local.get $pa3) (local.get $aCol)))
              (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
              (br_if $inner (local.tee $kLeft (i32.sub (local.get $kLeft) (i32.const 1)))))
            (if (i32.and (local.get $flags) (i32.const 2))
              (then
                (local.set $acc00 (f32x4.max (local.get $acc00) (v128.const f32x4 0 0 0 0)))
                (local.set $acc01 (f32x4.max (local.get $acc01) (v128.const f32x4 0 0 0 0)))
                (local.set $acc10 (f32x4.max (local.get $acc10) (v128.const f32x4 0 0 0 0)))
                (local.set $acc11 (f32x4.max (local.get $acc11) (v128.const f32x4 0 0 0 0)))
                (local.set $acc20 (f32x4.max (local.get $acc20) (v128.const f32x4 0 0 0 0)))
                (local.set $acc21 (f32x4.max (local.get $acc21) (v128.const f32x4 0 0 0 0)))
                (local.set $acc30 (f32x4.max (local.get $acc30) (v128.const f32x4 0 0 0 0)))
                (local.set $acc31 (f32x4.max (local.get $acc31) (v128.const f32x4 0 0 0 0)))))
            ;; Store the 4 × 8 block.
            (local.set $cRow (local.get $pc))
            (v128.store (local.get $cRow) (local.get $acc00))
            (v128.store offset=16 (local.get $cRow) (local.get $acc01))
            (local.set $cRow (i32.add (local.get $cRow) (local.get $ldc)))
            (v128.store (local.get $cRow) (local.get $acc10))
            (v128.store offset=16 (local.get $cRow) (local.get $acc11))
            (local.set $cRow (i32.add (local.get $cRow) (local.get $ldc)))
            (v128.store (local.get $cRow) (local.get $acc20))
            (v128.store offset=16 (local.get $cRow) (local.get $acc21))
            (local.set $cRow (i32.add (local.get $cRow) (local.get $ldc)))
            (v128.store (local.get $cRow) (local.get $acc30))
            (v128.store offset=16 (local.get $cRow) (local.get $acc31))
            ;; Next 8 columns of C, B and the bias.
            (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
            (local.set $bBlock (i32.add (local.get $bBlock) (i32.const 32)))
            (local.set $biasP (i32.add (local.get $biasP) (i32.const 32)))
            (br_if $cols (local.tee $colBlocks (i32.sub (local.get $colBlocks) (i32.const 1))))))
        ;; Next 4 rows of A and C.
        (local.set $aBlock (i32.add (local.get $aBlock) (i32.mul (local.get $aRow) (i32.const 4))))
        (local.set $cBlock (i32.add (local.get $cBlock) (i32.mul (local.get $ldc) (i32.const 4))))
        (br_if $rows (local.tee $rowBlocks (i32.sub (local.get $rowBlocks) (i32.const 1)))))))

  ;; One Adam update of 4·count4 weights, four at a time, in float32 (tf.train.adam's formula with the
  ;; bias corrections folded into two per-step constants; see adamStepConstants in lib/model/adam.ts):
  ;;   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − stepSize·m / (√(v·invC2) + ε)
  (func (export "adam")
    (param $count4 i32)     ;; groups of 4 weights
    (param $w i32) (param $m i32) (param $v i32) (param $g i32)  ;; weights, moments, gradients
    (param $constants i32)  ;; 7 floats: β₁, 1−β₁, β₂, 1−β₂, stepSize = lr/(1−β₁ᵗ), invC2 = 1/(1−β₂ᵗ), ε
    (local $beta1 v128) (local $oneMinusBeta1 v128) (local $beta2 v128) (local $oneMinusBeta2 v128)
    (local $stepSize v128) (local $invC2 v128) (local $epsilon v128)
    (local $grad v128) (local $moment1 v128) (local $moment2 v128)  ;; this group's g and new m, v
    (if (i32.eqz (local.get $count4)) (then (return)))
    (local.set $beta1 (f32x4.splat (f32.load offset=0 (local.get $constants))))
    (local.set $oneMinusBeta1 (f32x4.splat (f32.load offset=4 (local.get $constants))))
    (local.set $beta2 (f32x4.splat (f32.load offset=8 (local.get $constants))))
    (local.set $oneMinusBeta2 (f32x4.splat (f32.load offset=12 (local.get $constants))))
    (local.set $stepSize (f32x4.splat (f32.load offset=16 (local.get $constants))))
    (local.set $invC2 (f32x4.splat (f32.load offset=20 (local.get $constants))))
    (local.set $epsilon (f32x4.splat (f32.load offset=24 (local.get $constants))))
    (loop $groups
      (local.set $grad (v128.load (local.get $g)))
      ;; m ← β₁m + (1−β₁)g
      (v128.store (local.get $m)
        (local.tee $moment1
          (f32x4.add
            (f32x4.mul (local.get $beta1) (v128.load (local.get $m)))
            (f32x4.mul (local.get $oneMinusBeta1) (local.get $grad)))))
      ;; v ← β₂v + (1−β₂)·(g·g)
      (v128.store (local.get $v)
        (local.tee $moment2
          (f32x4.add
            (f32x4.mul (local.get $beta2) (v128.load (local.get $v)))
            (f32x4.mul (local.get $oneMinusBeta2) (f32x4.mul (local.get $grad) (local.get $grad))))))
      ;; w ← w − (stepSize·m) / (√(v·invC2) + ε)
      (v128.store (local.get $w)
        (f32x4.sub
          (v128.load (local.get $w))
          (f32x4.div
            (f32x4.mul (local.get $stepSize) (local.get $moment1))
            (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $moment2) (local.get $invC2))) (local.get $epsilon)))))
      (local.set $w (i32.add (local.get $w) (i32.const 16)))
      (local.set $m (i32.add (local.get $m) (i32.const 16)))
      (local.set $v (i32.add (local.get $v) (i32.const 16)))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (br_if $groups (local.tee $count4 (i32.sub (local.get $count4) (i32.const 1))))))

  ;; The gradient below a ReLU layer (and its Dropout), from dhᵀ. For r < size, c < units:
  ;;   d = act[r, c] > 0 ? dhT[c, r] · scale : 0;   dz[r, c] = dzT[c, r] = d;   db[c] += d
  ;; `act` is the layer's output after the Dropout mask (act > 0 ⇔ ReLU′ = 1 and the unit was kept; a kept
  ;; unit's mask value is `scale`, 1 without dropout). dz and act have row stride $ld, dhT and dzT $rows.
  (func (export "reluGrad")
    (param $size i32)       ;; batch rows
    (param $units i32)      ;; the layer's units
    (param $rows i32)       ;; row stride of dhT and dzT (bytes)
    (param $ld i32)         ;; row stride of dz and act (bytes)
    (param $dhT i32) (param $dz i32) (param $dzT i32) (param $act i32)  ;; each advances one row per turn
    (param $db i32)         ;; bias gradient, units floats, accumulated onto
    (param $constants i32)  ;; 1 float: scale
    (local $rowsLeft i32) (local $unitsLeft i32)
    (local $pdhT i32) (local $pdzT i32) (local $pact i32) (local $pdz i32) (local $pdb i32)  ;; walk one row
    (local $d f32) (local $scale f32)
    (if (i32.eqz (local.get $size)) (then (return)))
    (if (i32.eqz (local.get $units)) (then (return)))
    (local.set $scale (f32.load (local.get $constants)))
    (local.set $rowsLeft (local.get $size))
    (loop $eachRow
      (local.set $pdhT (local.get $dhT))
      (local.set $pdzT (local.get $dzT))
      (local.set $pact (local.get $act))
      (local.set $pdz (local.get $dz))
      (local.set $pdb (local.get $db))
      (local.set $unitsLeft (local.get $units))
      (loop $eachUnit
        ;; d = act > 0 ? dh·scale : 0
        (local.set $d
          (select
            (f32.mul (f32.load (local.get $pdhT)) (local.get $scale))
            (f32.const 0)
            (f32.gt (f32.load (local.get $pact)) (f32.const 0))))
        (f32.store (local.get $pdz) (local.get $d))
        (f32.store (local.get $pdzT) (local.get $d))
        (f32.store (local.get $pdb) (f32.add (f32.load (local.get $pdb)) (local.get $d)))
        ;; the transposed arrays step down a column, the others along the row
        (local.set $pdhT (i32.add (local.get $pdhT) (local.get $rows)))
        (local.set $pdzT (i32.add (local.get $pdzT) (local.get $rows)))
        (local.set $pact (i32.add (local.get $pact) (i32.const 4)))
        (local.set $pdz (i32.add (local.get $pdz) (i32.const 4)))
        (local.set $pdb (i32.add (local.get $pdb) (i32.const 4)))
        (br_if $eachUnit (local.tee $unitsLeft (i32.sub (local.get $unitsLeft) (i32.const 1)))))
      ;; next row: one column of the transposed arrays, one row of the others
      (local.set $dhT (i32.add (local.get $dhT) (i32.const 4)))
      (local.set $dzT (i32.add (local.get $dzT) (i32.const 4)))
      (local.set $act (i32.add (local.get $act) (local.get $ld)))
      (local.set $dz (i32.add (local.get $dz) (local.get $ld)))
      (br_if $eachRow (local.tee $rowsLeft (i32.sub (local.get $rowsLeft) (i32.const 1))))))

  ;; Dropout on a batch's activations with the seeded masks of DropoutMaskStream (lib/model/dropout.ts): for
  ;; r < rows, c < units (units even),  m = keep ? scale : 0,  mask[r·units + c] = m,  out[r, c] = post[r, c] · m.
  ;; The stream is mulberry32: draw j (j = 1, 2, …) is the hash of state + j·0x6d2b79f5, and decides two
  ;; units, its low 16 bits the first and its high 16 bits the second (kept when below `threshold`). Draws
  ;; are independent given j, so four are hashed at once, one per lane, giving 8 units; a row's last units
  ;; (units not a multiple of 8) are drawn one pair at a time. Returns the state after the last draw.
  (func (export "dropout")
    (param $rows i32)
    (param $units i32)      ;; even: a draw never straddles two rows
    (param $state i32)      ;; the stream's state before the first draw
    (param $threshold i32)  ;; keep when a 16-bit half < threshold (= round((1 − rate)·65536))
    (param $scaleBits i32)  ;; 1 / (1 − rate), a float32's bits (every argument is an i32, see mlp-threads.ts)
    (param $post i32) (param $out i32) (param $ld i32)  ;; activations before / after, row stride (bytes)
    (param $mask i32)       ;; rows·units floats, dense
    (result i32)
    (local $rowsLeft i32) (local $left i32)            ;; rows left; units left in this row
    (local $pPost i32) (local $pOut i32)                ;; walk one row
    (local $lanes v128)                                 ;; the 4 draws' states
    (local $t v128) (local $keepLo v128) (local $keepHi v128) (local $m0 v128) (local $m1 v128)
    (local $limit v128) (local $scales v128)
    (local $a i32) (local $h i32) (local $lo f32) (local $hi f32) (local $scale f32)
    (local.set $scale (f32.reinterpret_i32 (local.get $scaleBits)))
    (local.set $limit (i32x4.splat (local.get $threshold)))
    (local.set $scales (f32x4.splat (local.get $scale)))
    (local.set $rowsLeft (local.get $rows))
    (block $done
      (br_if $done (i32.eqz (local.get $rowsLeft)))
      (loop $eachRow
        (local.set $pPost (local.get $post))
        (local.set $pOut (local.get $out))
        (local.set $left (local.get $units))
        ;; 8 units (4 draws) at a time
        (block $wideDone
          (loop $wide
            (br_if $wideDone (i32.lt_u (local.get $left) (i32.const 8)))
            ;; lanes k = 0..3: state + (k + 1)·0x6d2b79f5
            (local.set $lanes
              (i32x4.add (i32x4.splat (local.get $state))
                (v128.const i32x4 0x6d2b79f5 0xda56f3ea 0x47826ddf 0xb4ade7d4)))
            (local.set $state (i32.add (local.get $state) (i32.const 0xb4ade7d4)))
            ;; t = imul(t ^ (t >>> 15), t | 1)
            (local.set $t
              (i32x4.mul
                (v128.xor (local.get $lanes) (i32x4.shr_u (local.get $lanes) (i32.const 15)))
                (v128.or (local.get $lanes) (i32x4.splat (i32.const 1)))))
            ;; t ^= t + imul(t ^ (t >>> 7), t | 61)
            (local.set $t
              (v128.xor (local.get $t)
                (i32x4.add (local.get $t)
                  (i32x4.mul
                    (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 7)))
                    (v128.or (local.get $t) (i32x4.splat (i32.const 61)))))))
            ;; r = t ^ (t >>> 14); keep the low / high half's unit when it is below the threshold
            (local.set $t (v128.xor (local.get $t) (i32x4.shr_u (local.get $t) (i32.const 14))))
            (local.set $keepLo
              (v128.and (local.get $scales)
                (i32x4.lt_u (v128.and (local.get $t) (i32x4.splat (i32.const 0xffff))) (local.get $limit))))
            (local.set $keepHi
              (v128.and (local.get $scales)
                (i32x4.lt_u (i32x4.shr_u (local.get $t) (i32.const 16)) (local.get $limit))))
            ;; units in stream order: lo₀ hi₀ lo₁ hi₁ | lo₂ hi₂ lo₃ hi₃
            (local.set $m0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $keepLo) (local.get $keepHi)))
            (local.set $m1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $keepLo) (local.get $keepHi)))
            (v128.store (local.get $mask) (local.get $m0))
            (v128.store offset=16 (local.get $mask) (local.get $m1))
            (v128.store (local.get $pOut) (f32x4.mul (v128.load (local.get $pPost)) (local.get $m0)))
            (v128.store offset=16 (local.get $pOut) (f32x4.mul (v128.load offset=16 (local.get $pPost)) (local.get $m1)))
            (local.set $mask (i32.add (local.get $mask) (i32.const 32)))
            (local.set $pPost (i32.add (local.get $pPost) (i32.const 32)))
            (local.set $pOut (i32.add (local.get $pOut) (i32.const 32)))
            (local.set $left (i32.sub (local.get $left) (i32.const 8)))
            (br $wide)))
        ;; the row's last units, one draw (two units) at a time
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.lt_u (local.get $left) (i32.const 2)))
            (local.set $state (i32.add (local.get $state) (i32.const 0x6d2b79f5)))
            (local.set $a (local.get $state))
            (local.set $h
              (i32.mul
                (i32.xor (local.get $a) (i32.shr_u (local.get $a) (i32.const 15)))
                (i32.or (local.get $a) (i32.const 1))))
            (local.set $h
              (i32.xor (local.get $h)
                (i32.add (local.get $h)
                  (i32.mul
                    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 7)))
                    (i32.or (local.get $h) (i32.const 61))))))
            (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 14))))
            (local.set $lo
              (select (local.get $scale) (f32.const 0)
                (i32.lt_u (i32.and (local.get $h) (i32.const 0xffff)) (local.get $threshold))))
            (local.set $hi
              (select (local.get $scale) (f32.const 0)
                (i32.lt_u (i32.shr_u (local.get $h) (i32.const 16)) (local.get $threshold))))
            (f32.store (local.get $mask) (local.get $lo))
            (f32.store offset=4 (local.get $mask) (local.get $hi))
            (f32.store (local.get $pOut) (f32.mul (f32.load (local.get $pPost)) (local.get $lo)))
            (f32.store offset=4 (local.get $pOut) (f32.mul (f32.load offset=4 (local.get $pPost)) (local.get $hi)))
            (local.set $mask (i32.add (local.get $mask) (i32.const 8)))
            (local.set $pPost (i32.add (local.get $pPost) (i32.const 8)))
            (local.set $pOut (i32.add (local.get $pOut) (i32.const 8)))
            (local.set $left (i32.sub (local.get $left) (i32.const 2)))
            (br $pairs)))
        (local.set $post (i32.add (local.get $post) (local.get $ld)))
        (local.set $out (i32.add (local.get $out) (local.get $ld)))
        (br_if $eachRow (local.tee $rowsLeft (i32.sub (local.get $rowsLeft) (i32.const 1))))))
    (local.get $state)))
