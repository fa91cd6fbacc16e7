;; The passes of `pare optimize` over the weights, in WebAssembly SIMD: the check for NaN and Infinity when a model
;; is opened (formats/decode-weights.ts countNonFinite; with it, `sample` takes the selection's sample from the same
;; chunks), the bracket scan of the global magnitude selection (prune/passes.ts scanBracket; four weights a step),
;; the fused prune + affine coding (quantize/pruned-affine.ts; sixteen weights a step, in float32 lanes for 2..8
;; bits where that provably gives the same codes, else in float64 lanes), and the exact threshold among the keys the
;; bracket holds (prune/magnitude.ts selectInBracket). Each does exactly what its scalar JavaScript twin does, bit
;; for bit; kernels.ts feeds them chunk by chunk through the fixed regions below, and kernels.test.ts and
;; pruned-affine.test.ts compare them with the twins.
;;
;; Built into kernels-wasm.ts by `npm run build:simd` (wabt); a test checks that the committed bytes are this file's.
;;
;; Layout of the one memory (byte offsets, exported as globals so that kernels.ts reads them from here):
;;   OUT    64 bytes   results: below (i32), max bits (i32), max flipped bits (i32), zeros stored (i32); nonFinite's
;;                     max bits and max flipped bits at 16 and 20
;;   LANES  256 bytes  16 byte shuffles: for each 4-bit mask, the lanes it sets moved to the front, in order
;;   SRC    CHUNK float32 weights, as int32 bits
;;   KEYS   CHUNK int32 keys found inside the bracket, and 16 bytes the last append may write past them
;;   CODES  CHUNK codes of 8 or 16 bits
;;   IDX    CHUNK int32 indices of the keys codeBracket appends to KEYS, and 16 bytes past them
;;   HIST   65536 int32 counts: the buckets of the radix select among the keys inside the bracket
(module
  (memory (export "memory") 19)
  (global (export "CHUNK") i32 (i32.const 65536))
  (global (export "OUT") i32 (i32.const 0))
  (global $LANES i32 (i32.const 64))
  (global $SRC (export "SRC") i32 (i32.const 320))
  (global $KEYS (export "KEYS") i32 (i32.const 262464))
  (global $CODES (export "CODES") i32 (i32.const 524624))
  (global $IDX (export "IDX") i32 (i32.const 655696))
  (global $HIST (export "HIST") i32 (i32.const 917856))
  (data (i32.const 64)
    "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\01\02\03\00\00\00\00\00\00\00\00\00\00\00\00"
    "\04\05\06\07\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\01\02\03\04\05\06\07\00\00\00\00\00\00\00\00"
    "\08\09\0a\0b\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\01\02\03\08\09\0a\0b\00\00\00\00\00\00\00\00"
    "\04\05\06\07\08\09\0a\0b\00\00\00\00\00\00\00\00"
    "\00\01\02\03\04\05\06\07\08\09\0a\0b\00\00\00\00"
    "\0c\0d\0e\0f\00\00\00\00\00\00\00\00\00\00\00\00"
    "\00\01\02\03\0c\0d\0e\0f\00\00\00\00\00\00\00\00"
    "\04\05\06\07\0c\0d\0e\0f\00\00\00\00\00\00\00\00"
    "\00\01\02\03\04\05\06\07\0c\0d\0e\0f\00\00\00\00"
    "\08\09\0a\0b\0c\0d\0e\0f\00\00\00\00\00\00\00\00"
    "\00\01\02\03\08\09\0a\0b\0c\0d\0e\0f\00\00\00\00"
    "\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\00\00\00\00"
    "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f")

;; nonFinite(n) -> how many of the n float32 values at SRC are NaN or ±Infinity: all eight exponent bits set. Also
  ;; writes to OUT + 16 and OUT + 20 the largest int32 bits and the largest bits with the sign flipped, as scan
  ;; does, so that opening a model learns each weight's range on the pass it makes anyway.
  (func (export "nonFinite") (param $n i32) (result i32)
    (local $i i32) (local $n4 i32) (local $b v128) (local $count v128) (local $total i32)
    (local $max v128) (local $flipped v128) (local $k i32) (local $maxS i32) (local $flippedS i32)
    (local.set $max (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $b (v128.load align=4 (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $count (i32x4.sub (local.get $count)
          (i32x4.eq
            (v128.and (local.get $b) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
            (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
        (local.set $max (i32x4.max_s (local.get $max) (local.get $b)))
        (local.set $flipped (i32x4.max_u (local.get $flipped) (local.get $b)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $four)))
    (local.set $total (call $sum4 (local.get $count)))
    (local.set $maxS (call $max4 (local.get $max)))
    (local.set $flippedS (i32.xor (call $max4u (local.get $flipped)) (i32.const 0x80000000)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $k (i32.load (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.eq (i32.and (local.get $k) (i32.const 0x7f800000)) (i32.const 0x7f800000))
          (then (local.set $total (i32.add (local.get $total) (i32.const 1)))))
        (if (i32.gt_s (local.get $k) (local.get $maxS)) (then (local.set $maxS (local.get $k))))
        (local.set $k (i32.xor (local.get $k) (i32.const 0x80000000)))
        (if (i32.gt_s (local.get $k) (local.get $flippedS)) (then (local.set $flippedS (local.get $k))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (i32.store offset=16 (i32.const 0) (local.get $maxS))
    (i32.store offset=20 (i32.const 0) (local.get $flippedS))
    (local.get $total))

  ;; sample(n, start, j, every, count) -> keys written: for the weights at SRC, indices start .. start + n - 1 of
  ;; their tensor, writes to KEYS the magnitude key of each one model/known-samples.ts samplePosition picks, for
  ;; strides j, j + 1, ... below count, in order, until a position lies past the chunk. Its arithmetic exactly:
  ;; h = (j + 1) * 0x9e3779b1 mod 2^32 >>> 17, position j * every + (h * every >> 15); every must be below 2^16.
  ;; Opening takes the selection's sample here, from the chunk its NaN check just read.
  (func (export "sample") (param $n i32) (param $start i32) (param $j i32) (param $every i32) (param $count i32) (result i32)
    (local $end i32) (local $at i32) (local $got i32)
    (local.set $end (i32.add (local.get $start) (local.get $n)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $at (i32.add (i32.mul (local.get $j) (local.get $every))
          (i32.shr_u
            (i32.mul (i32.shr_u (i32.mul (i32.add (local.get $j) (i32.const 1)) (i32.const 0x9e3779b1)) (i32.const 17)) (local.get $every))
            (i32.const 15))))
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (i32.store (i32.add (global.get $KEYS) (i32.shl (local.get $got) (i32.const 2)))
          (i32.and (i32.load (i32.add (global.get $SRC) (i32.shl (i32.sub (local.get $at) (local.get $start)) (i32.const 2))))
            (i32.const 0x7fffffff)))
        (local.set $got (i32.add (local.get $got) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $each)))
    (local.get $got))

  ;; scan(n, lo, width) -> keys found: reads n weights at SRC. Appends to KEYS, in index order, the magnitude key
  ;; (bits & 0x7fffffff) of each weight with lo <= key <= lo + width; writes to OUT the number of keys below lo,
  ;; the largest int32 bits and the largest bits with the sign flipped (-2^31 when n is 0).
  (func (export "scan") (param $n i32) (param $lo i32) (param $width i32) (result i32)
    (local $i i32) (local $n4 i32) (local $p i32) (local $used i32) (local $k i32) (local $d i32)
    (local $mask i32) (local $b v128) (local $key v128) (local $dv v128)
    (local $below v128) (local $max v128) (local $flipped v128)
    (local $lov v128) (local $widthv v128)
    (local $belowS i32) (local $maxS i32) (local $flippedS i32)
    (local.set $lov (i32x4.splat (local.get $lo)))
    (local.set $widthv (i32x4.splat (local.get $width)))
    (local.set $max (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $p (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $b (v128.load align=4 (local.get $p)))
        (local.set $max (i32x4.max_s (local.get $max) (local.get $b)))
        ;; The largest bits as unsigned: the negative of largest magnitude if there is one (sign bit set), which
        ;; with the sign flipped is the scalar loop's largest flipped bits, whichever case holds.
        (local.set $flipped (i32x4.max_u (local.get $flipped) (local.get $b)))
        (local.set $key (v128.and (local.get $b) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        ;; Both keys and lo lie below 2^31, so d is a valid int32: negative below the bracket.
        (local.set $dv (i32x4.sub (local.get $key) (local.get $lov)))
        (local.set $below (i32x4.sub (local.get $below) (i32x4.lt_s (local.get $dv) (v128.const i32x4 0 0 0 0))))
        ;; The keys inside, moved to the front of the four and stored at the end of KEYS, branch-free: they come at
        ;; random, and a branch on them mispredicts. The lanes past them are overwritten by the next store.
        (local.set $mask (i32x4.bitmask (i32x4.le_u (local.get $dv) (local.get $widthv))))
        (v128.store align=4 (i32.add (global.get $KEYS) (i32.shl (local.get $used) (i32.const 2)))
          (i8x16.swizzle (local.get $key) (v128.load (i32.add (global.get $LANES) (i32.shl (local.get $mask) (i32.const 4))))))
        (local.set $used (i32.add (local.get $used) (i32.popcnt (local.get $mask))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $four)))
    ;; The last n mod 4 weights one at a time.
    (local.set $p (i32.add (global.get $SRC) (i32.shl (local.get $n4) (i32.const 2))))
    (local.set $used (call $append (local.get $p) (i32.sub (local.get $n) (local.get $n4)) (local.get $lo) (local.get $width) (local.get $used)))
    (local.set $belowS (call $sum4 (local.get $below)))
    (local.set $maxS (call $max4 (local.get $max)))
    (local.set $flippedS (i32.xor (call $max4u (local.get $flipped)) (i32.const 0x80000000)))
    (local.set $i (local.get $n4))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $k (i32.load (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.gt_s (local.get $k) (local.get $maxS)) (then (local.set $maxS (local.get $k))))
        (local.set $k (i32.xor (local.get $k) (i32.const 0x80000000)))
        (if (i32.gt_s (local.get $k) (local.get $flippedS)) (then (local.set $flippedS (local.get $k))))
        (local.set $d (i32.sub (i32.and (local.get $k) (i32.const 0x7fffffff)) (local.get $lo)))
        (if (i32.lt_s (local.get $d) (i32.const 0)) (then (local.set $belowS (i32.add (local.get $belowS) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (i32.store offset=0 (i32.const 0) (local.get $belowS))
    (i32.store offset=4 (i32.const 0) (local.get $maxS))
    (i32.store offset=8 (i32.const 0) (local.get $flippedS))
    (local.get $used))

  ;; Appends to KEYS the keys inside [lo, lo + width] of the `count` weights at p (the last n mod 4); returns the new
  ;; number of keys.
  (func $append (param $p i32) (param $count i32) (param $lo i32) (param $width i32) (param $used i32) (result i32)
    (local $key i32) (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $key (i32.and (i32.load (local.get $p)) (i32.const 0x7fffffff)))
        (if (i32.le_u (i32.sub (local.get $key) (local.get $lo)) (local.get $width))
          (then
            (i32.store (i32.add (global.get $KEYS) (i32.shl (local.get $used) (i32.const 2))) (local.get $key))
            (local.set $used (i32.add (local.get $used) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $each)))
    (local.get $used))

  ;; The largest of the four lanes, as unsigned and as signed int32.
  (func $max4u (param $v v128) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32x4.extract_lane 0 (local.get $v)))
    (local.set $b (i32x4.extract_lane 1 (local.get $v)))
    (if (i32.gt_u (local.get $b) (local.get $a)) (then (local.set $a (local.get $b))))
    (local.set $b (i32x4.extract_lane 2 (local.get $v)))
    (if (i32.gt_u (local.get $b) (local.get $a)) (then (local.set $a (local.get $b))))
    (local.set $b (i32x4.extract_lane 3 (local.get $v)))
    (if (i32.gt_u (local.get $b) (local.get $a)) (then (local.set $a (local.get $b))))
    (local.get $a))

  (func $max4 (param $v v128) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32x4.extract_lane 0 (local.get $v)))
    (local.set $b (i32x4.extract_lane 1 (local.get $v)))
    (if (i32.gt_s (local.get $b) (local.get $a)) (then (local.set $a (local.get $b))))
    (local.set $b (i32x4.extract_lane 2 (local.get $v)))
    (if (i32.gt_s (local.get $b) (local.get $a)) (then (local.set $a (local.get $b))))
    (local.set $b (i32x4.extract_lane 3 (local.get $v)))
    (if (i32.gt_s (local.get $b) (local.get $a)) (then (local.set $a (local.get $b))))
    (local.get $a))

  ;; encode(n, t, ties, min, max, scale, qmax, z0, zc, wide) -> ties left: codes the n weights at SRC into CODES
  ;; (bytes, or 16-bit codes when wide is 1) as pruned-affine.ts encodeDirect8 / encodeDirect16 do: a weight whose
  ;; magnitude key is below t, or equals t while ties are left (the first ones in index order), takes the code z0 of
  ;; 0.0; any other is clamped to [min, max] and coded as round-half-even((v - min) / scale), at most qmax, all in
  ;; float64. Adds to OUT + 12 how many codes equal zc (the code that decodes to zero, or -1).
  (func (export "encode") (param $n i32) (param $t i32) (param $ties i32)
      (param $min f64) (param $max f64) (param $scale f64) (param $qmax f64)
      (param $z0 i32) (param $zc i32) (param $wide i32) (result i32)
    (local $i i32) (local $n16 i32) (local $p i32) (local $zerosS i32) (local $slow i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $zeros v128)
    (local $tv v128) (local $minv v128) (local $maxv v128) (local $scalev v128) (local $qmaxv v128) (local $magicv v128)
    (local $z0v v128) (local $zcv v128)
    (local.set $tv (i32x4.splat (local.get $t)))
    (local.set $minv (f64x2.splat (local.get $min)))
    (local.set $maxv (f64x2.splat (local.get $max)))
    (local.set $scalev (f64x2.splat (local.get $scale)))
    (local.set $qmaxv (f64x2.splat (f64.add (local.get $qmax) (f64.const 0x1p52))))
    (local.set $magicv (f64x2.splat (f64.const 0x1p52)))
    (local.set $z0v (i32x4.splat (local.get $z0)))
    (local.set $zcv (i32x4.splat (local.get $zc)))
    (local.set $n16 (i32.and (local.get $n) (i32.const -16)))
    (block $done
      (loop $sixteen
        (br_if $done (i32.ge_u (local.get $i) (local.get $n16)))
        (local.set $p (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $b0 (v128.load offset=0 align=4 (local.get $p)))
        (local.set $k0 (v128.and (local.get $b0) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $b1 (v128.load offset=16 align=4 (local.get $p)))
        (local.set $k1 (v128.and (local.get $b1) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $b2 (v128.load offset=32 align=4 (local.get $p)))
        (local.set $k2 (v128.and (local.get $b2) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $b3 (v128.load offset=48 align=4 (local.get $p)))
        (local.set $k3 (v128.and (local.get $b3) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        ;; A tie at the threshold while the quota lasts: these sixteen one at a time, in index order. (Only a
        ;; tensor holding ties looks: most have none, or have used their quota up.)
        (local.set $slow (i32.const 0))
        (if (i32.gt_s (local.get $ties) (i32.const 0))
          (then (local.set $slow (call $tie16 (local.get $k0) (local.get $k1) (local.get $k2) (local.get $k3) (local.get $tv)))))
        (if (local.get $slow)
          (then
            (local.set $ties (call $encodeScalar (local.get $i) (i32.const 16) (local.get $t) (local.get $ties)
              (local.get $min) (local.get $max) (local.get $scale) (local.get $qmax) (local.get $z0) (local.get $zc) (local.get $wide))))
          (else
            ;; The codes of each four weights b (magnitude keys k) as int32 lanes: z0 where the key is below t,
            ;; else min(round-half-even((clamp(v, min, max) - min) / scale), qmax) in float64, two lanes at a time.
            ;; pmax(min, v) is v > min ? v : min and pmin(max, v) is v < max ? v : max: the scalar clamp's choices.
            ;; Adding 2^52 rounds half to even, as the scalar code's + 2^52 - 2^52 does, and leaves the code in the
            ;; low 32 bits of each float64 (magicv is 2^52, qmaxv is qmax + 2^52), which the shuffle gathers.
            ;; The same code four times (b0..b3): V8 does not inline calls between WebAssembly functions, and a
            ;; call passing these constants cost up to 1.6x.
            (local.set $c0 (v128.bitselect (local.get $z0v)
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (f64x2.pmin (local.get $qmaxv) (f64x2.add (local.get $magicv) (f64x2.div
                  (f64x2.sub (f64x2.pmin (local.get $maxv) (f64x2.pmax (local.get $minv) (f64x2.promote_low_f32x4 (local.get $b0)))) (local.get $minv))
                  (local.get $scalev))))
                (f64x2.pmin (local.get $qmaxv) (f64x2.add (local.get $magicv) (f64x2.div
                  (f64x2.sub (f64x2.pmin (local.get $maxv) (f64x2.pmax (local.get $minv)
                    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $b0) (local.get $b0))))) (local.get $minv))
                  (local.get $scalev)))))
              (i32x4.lt_s (local.get $k0) (local.get $tv))))
            (local.set $zeros (i32x4.sub (local.get $zeros) (i32x4.eq (local.get $c0) (local.get $zcv))))
            (local.set $c1 (v128.bitselect (local.get $z0v)
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (f64x2.pmin (local.get $qmaxv) (f64x2.add (local.get $magicv) (f64x2.div
                  (f64x2.sub (f64x2.pmin (local.get $maxv) (f64x2.pmax (local.get $minv) (f64x2.promote_low_f32x4 (local.get $b1)))) (local.get $minv))
                  (local.get $scalev))))
                (f64x2.pmin (local.get $qmaxv) (f64x2.add (local.get $magicv) (f64x2.div
                  (f64x2.sub (f64x2.pmin (local.get $maxv) (f64x2.pmax (local.get $minv)
                    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $b1) (local.get $b1))))) (local.get $minv))
                  (local.get $scalev)))))
              (i32x4.lt_s (local.get $k1) (local.get $tv))))
            (local.set $zeros (i32x4.sub (local.get $zeros) (i32x4.eq (local.get $c1) (local.get $zcv))))
            (local.set $c2 (v128.bitselect (local.get $z0v)
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (f64x2.pmin (local.get $qmaxv) (f64x2.add (local.get $magicv) (f64x2.div
                  (f64x2.sub (f64x2.pmin (local.get $maxv) (f64x2.pmax (local.get $minv) (f64x2.promote_low_f32x4 (local.get $b2)))) (local.get $minv))
                  (local.get $scalev))))
                (f64x2.pmin (local.get $qmaxv) (f64x2.add (local.get $magicv) (f64x2.div
                  (f64x2.sub (f64x2.pmin (local.get $maxv) (f64x2.pmax (local.get $minv)
                    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $b2) (local.get $b2))))) (local.get $minv))
                  (local.get $scalev)))))
              (i32x4.lt_s (local.get $k2) (local.get $tv))))
            (local.set $zeros (i32x4.sub (local.get $zeros) (i32x4.eq (local.get $c2) (local.get $zcv))))
            (local.set $c3 (v128.bitselect (local.get $z0v)
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (f64x2.pmin (local.get $qmaxv) (f64x2.add (local.get $magicv) (f64x2.div
                  (f64x2.sub (f64x2.pmin (local.get $maxv) (f64x2.pmax (local.get $minv) (f64x2.promote_low_f32x4 (local.get $b3)))) (local.get $minv))
                  (local.get $scalev))))
                (f64x2.pmin (local.get $qmaxv) (f64x2.add (local.get $magicv) (f64x2.div
                  (f64x2.sub (f64x2.pmin (local.get $maxv) (f64x2.pmax (local.get $minv)
                    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $b3) (local.get $b3))))) (local.get $minv))
                  (local.get $scalev)))))
              (i32x4.lt_s (local.get $k3) (local.get $tv))))
            (local.set $zeros (i32x4.sub (local.get $zeros) (i32x4.eq (local.get $c3) (local.get $zcv))))
            ;; Codes lie in [0, qmax]: narrowing (which saturates) keeps them as they are.
            (local.set $c0 (i16x8.narrow_i32x4_u (local.get $c0) (local.get $c1)))
            (local.set $c2 (i16x8.narrow_i32x4_u (local.get $c2) (local.get $c3)))
            (if (local.get $wide)
              (then
                (v128.store align=2 (i32.add (global.get $CODES) (i32.shl (local.get $i) (i32.const 1))) (local.get $c0))
                (v128.store offset=16 align=2 (i32.add (global.get $CODES) (i32.shl (local.get $i) (i32.const 1))) (local.get $c2)))
              (else (v128.store align=1 (i32.add (global.get $CODES) (local.get $i)) (i8x16.narrow_i16x8_u (local.get $c0) (local.get $c2)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $sixteen)))
    (local.set $zerosS (call $sum4 (local.get $zeros)))
    (i32.store offset=12 (i32.const 0) (i32.add (local.get $zerosS) (i32.load offset=12 (i32.const 0))))
    ;; The last n mod 16 one at a time.
    (call $encodeScalar (local.get $n16) (i32.sub (local.get $n) (local.get $n16)) (local.get $t) (local.get $ties)
      (local.get $min) (local.get $max) (local.get $scale) (local.get $qmax) (local.get $z0) (local.get $zc) (local.get $wide)))

  ;; encode8(n, t, ties, min, max, scale, qmax, min32, inverse32, limit, z0, zc) -> ties left: encode's codes for
  ;; 2..8 bits (bytes into CODES, the same counts), in float32 lanes, four to a vector where float64 takes two.
  ;; q = (v - min32) * inverse32 (min32 and inverse32 = 1 / scale as float32) is within E of the exact
  ;; (clamp(v) - min) / scale once clamped to [0, qmax]; kernels.ts derives E from the grid and passes
  ;; limit = 0.5 - E - margin. Where every |q - round(q)| <= limit the exact value rounds the same way; a group of
  ;; sixteen with a value nearer a half takes the exact scalar path (about 1 in 1,000 values: few groups).
  ;; Rounding is by adding 2^23 (half to even, below 2^22), whose float32 bits then hold 0x4b000000 + the code.
  (func (export "encode8") (param $n i32) (param $t i32) (param $ties i32)
      (param $min f64) (param $max f64) (param $scale f64) (param $qmax f64)
      (param $min32 f32) (param $inverse32 f32) (param $limit f32) (param $z0 i32) (param $zc i32) (result i32)
    (local $i i32) (local $n16 i32) (local $p i32) (local $zerosS i32) (local $slow i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $zeros v128) (local $q v128) (local $r v128) (local $near v128)
    (local $tv v128) (local $minv v128) (local $inversev v128) (local $qmaxv v128) (local $limitv v128) (local $z0v v128) (local $zcv v128)
    (local.set $tv (i32x4.splat (local.get $t)))
    (local.set $minv (f32x4.splat (local.get $min32)))
    (local.set $inversev (f32x4.splat (local.get $inverse32)))
    (local.set $qmaxv (f32x4.splat (f32.demote_f64 (local.get $qmax))))
    (local.set $limitv (f32x4.splat (local.get $limit)))
    (local.set $z0v (i32x4.splat (local.get $z0)))
    (local.set $zcv (i32x4.splat (local.get $zc)))
    (local.set $n16 (i32.and (local.get $n) (i32.const -16)))
    (block $done
      (loop $sixteen
        (br_if $done (i32.ge_u (local.get $i) (local.get $n16)))
        (local.set $p (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $b0 (v128.load offset=0 align=4 (local.get $p)))
        (local.set $k0 (v128.and (local.get $b0) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $b1 (v128.load offset=16 align=4 (local.get $p)))
        (local.set $k1 (v128.and (local.get $b1) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $b2 (v128.load offset=32 align=4 (local.get $p)))
        (local.set $k2 (v128.and (local.get $b2) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $b3 (v128.load offset=48 align=4 (local.get $p)))
        (local.set $k3 (v128.and (local.get $b3) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $near (v128.const i32x4 0 0 0 0))
        ;; The same four lines for each group of four (b0..b3), inline: see encode.
            (local.set $q (f32x4.pmin (local.get $qmaxv) (f32x4.pmax (v128.const f32x4 0 0 0 0)
              (f32x4.mul (f32x4.sub (local.get $b0) (local.get $minv)) (local.get $inversev)))))
            (local.set $r (f32x4.add (local.get $q) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23)))
            (local.set $near (v128.or (local.get $near) (f32x4.gt
              (f32x4.abs (f32x4.sub (local.get $q) (f32x4.sub (local.get $r) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23))))
              (local.get $limitv))))
            (local.set $c0 (v128.bitselect (local.get $z0v)
              (i32x4.sub (local.get $r) (v128.const i32x4 0x4b000000 0x4b000000 0x4b000000 0x4b000000))
              (i32x4.lt_s (local.get $k0) (local.get $tv))))
            (local.set $q (f32x4.pmin (local.get $qmaxv) (f32x4.pmax (v128.const f32x4 0 0 0 0)
              (f32x4.mul (f32x4.sub (local.get $b1) (local.get $minv)) (local.get $inversev)))))
            (local.set $r (f32x4.add (local.get $q) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23)))
            (local.set $near (v128.or (local.get $near) (f32x4.gt
              (f32x4.abs (f32x4.sub (local.get $q) (f32x4.sub (local.get $r) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23))))
              (local.get $limitv))))
            (local.set $c1 (v128.bitselect (local.get $z0v)
              (i32x4.sub (local.get $r) (v128.const i32x4 0x4b000000 0x4b000000 0x4b000000 0x4b000000))
              (i32x4.lt_s (local.get $k1) (local.get $tv))))
            (local.set $q (f32x4.pmin (local.get $qmaxv) (f32x4.pmax (v128.const f32x4 0 0 0 0)
              (f32x4.mul (f32x4.sub (local.get $b2) (local.get $minv)) (local.get $inversev)))))
            (local.set $r (f32x4.add (local.get $q) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23)))
            (local.set $near (v128.or (local.get $near) (f32x4.gt
              (f32x4.abs (f32x4.sub (local.get $q) (f32x4.sub (local.get $r) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23))))
              (local.get $limitv))))
            (local.set $c2 (v128.bitselect (local.get $z0v)
              (i32x4.sub (local.get $r) (v128.const i32x4 0x4b000000 0x4b000000 0x4b000000 0x4b000000))
              (i32x4.lt_s (local.get $k2) (local.get $tv))))
            (local.set $q (f32x4.pmin (local.get $qmaxv) (f32x4.pmax (v128.const f32x4 0 0 0 0)
              (f32x4.mul (f32x4.sub (local.get $b3) (local.get $minv)) (local.get $inversev)))))
            (local.set $r (f32x4.add (local.get $q) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23)))
            (local.set $near (v128.or (local.get $near) (f32x4.gt
              (f32x4.abs (f32x4.sub (local.get $q) (f32x4.sub (local.get $r) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23))))
              (local.get $limitv))))
            (local.set $c3 (v128.bitselect (local.get $z0v)
              (i32x4.sub (local.get $r) (v128.const i32x4 0x4b000000 0x4b000000 0x4b000000 0x4b000000))
              (i32x4.lt_s (local.get $k3) (local.get $tv))))
        (local.set $slow (v128.any_true (local.get $near)))
        (if (i32.gt_s (local.get $ties) (i32.const 0))
          (then (local.set $slow (i32.or (local.get $slow) (call $tie16 (local.get $k0) (local.get $k1) (local.get $k2) (local.get $k3) (local.get $tv))))))
        (if (local.get $slow)
          (then
            ;; A value near a half, or a tie while the quota lasts: these sixteen exactly, one at a time.
            (local.set $ties (call $encodeScalar (local.get $i) (i32.const 16) (local.get $t) (local.get $ties)
              (local.get $min) (local.get $max) (local.get $scale) (local.get $qmax) (local.get $z0) (local.get $zc) (i32.const 0))))
          (else
            (local.set $zeros (i32x4.sub (i32x4.sub (local.get $zeros) (i32x4.eq (local.get $c0) (local.get $zcv))) (i32x4.eq (local.get $c1) (local.get $zcv))))
            (local.set $zeros (i32x4.sub (i32x4.sub (local.get $zeros) (i32x4.eq (local.get $c2) (local.get $zcv))) (i32x4.eq (local.get $c3) (local.get $zcv))))
            (v128.store align=1 (i32.add (global.get $CODES) (local.get $i))
              (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_u (local.get $c0) (local.get $c1)) (i16x8.narrow_i32x4_u (local.get $c2) (local.get $c3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $sixteen)))
    (local.set $zerosS (call $sum4 (local.get $zeros)))
    (i32.store offset=12 (i32.const 0) (i32.add (local.get $zerosS) (i32.load offset=12 (i32.const 0))))
    (call $encodeScalar (local.get $n16) (i32.sub (local.get $n) (local.get $n16)) (local.get $t) (local.get $ties)
      (local.get $min) (local.get $max) (local.get $scale) (local.get $qmax) (local.get $z0) (local.get $zc) (i32.const 0)))

  ;; 1 if any of the sixteen keys equals t.
  (func $tie16 (param $k0 v128) (param $k1 v128) (param $k2 v128) (param $k3 v128) (param $tv v128) (result i32)
    (v128.any_true (v128.or (v128.or (i32x4.eq (local.get $k0) (local.get $tv)) (i32x4.eq (local.get $k1) (local.get $tv)))
      (v128.or (i32x4.eq (local.get $k2) (local.get $tv)) (i32x4.eq (local.get $k3) (local.get $tv))))))

  ;; The scalar kernel over `count` weights from index i, encodeDirect8 / encodeDirect16's loop body: for ties and
  ;; the tail. Adds the codes equal to zc to OUT + 12; returns the ties left.
  (func $encodeScalar (param $i i32) (param $count i32) (param $t i32) (param $ties i32)
      (param $min f64) (param $max f64) (param $scale f64) (param $qmax f64)
      (param $z0 i32) (param $zc i32) (param $wide i32) (result i32)
    (local $end i32) (local $bits i32) (local $key i32) (local $c i32) (local $x f64)
    (local.set $end (i32.add (local.get $i) (local.get $count)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $bits (i32.load (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $key (i32.and (local.get $bits) (i32.const 0x7fffffff)))
        (local.set $c (local.get $z0))
        (if (i32.and (i32.eq (local.get $key) (local.get $t)) (i32.gt_s (local.get $ties) (i32.const 0)))
          (then (local.set $ties (i32.sub (local.get $ties) (i32.const 1))))
          (else
            (if (i32.ge_s (local.get $key) (local.get $t))
              (then
                (local.set $x (f64.promote_f32 (f32.reinterpret_i32 (local.get $bits))))
                (if (f64.lt (local.get $x) (local.get $min)) (then (local.set $x (local.get $min)))
                  (else (if (f64.gt (local.get $x) (local.get $max)) (then (local.set $x (local.get $max))))))
                (local.set $x (f64.nearest (f64.div (f64.sub (local.get $x) (local.get $min)) (local.get $scale))))
                (if (f64.gt (local.get $x) (local.get $qmax)) (then (local.set $x (local.get $qmax))))
                (local.set $c (i32.trunc_sat_f64_s (local.get $x)))))))
        (if (i32.eq (local.get $c) (local.get $zc))
          (then (i32.store offset=12 (i32.const 0) (i32.add (i32.load offset=12 (i32.const 0)) (i32.const 1)))))
        (if (local.get $wide)
          (then (i32.store16 (i32.add (global.get $CODES) (i32.shl (local.get $i) (i32.const 1))) (local.get $c)))
          (else (i32.store8 (i32.add (global.get $CODES) (local.get $i)) (local.get $c))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (local.get $ties))

  ;; codeBracket(n, lo, width, base, min, max, scale, qmax, min32, inverse32, limit, z0, zc) -> keys appended: the
  ;; global magnitude selection's scan and the affine coding of 2..8 bits in one pass, for a tensor whose grid is
  ;; known before its threshold is (its extremes lie above the bracket, so pruning cannot move them). Codes the n
  ;; weights at SRC into CODES as if the ones with magnitude keys below lo were pruned (code z0) and every other one
  ;; kept (encode8's float32 coding, or encodeScalar's float64 arithmetic for a group with a value near a half
  ;; level); appends to KEYS the keys inside [lo, lo + width] and to IDX their indices plus base, in index order;
  ;; adds to OUT + 0 the keys below lo and to OUT + 12 the codes equal to zc (which must be a byte). Which of the
  ;; weights inside the bracket are pruned is decided once every tensor is scanned; the caller then codes those z0.
  (func (export "codeBracket") (param $n i32) (param $lo i32) (param $width i32) (param $base i32)
      (param $min f64) (param $max f64) (param $scale f64) (param $qmax f64)
      (param $min32 f32) (param $inverse32 f32) (param $limit f32) (param $z0 i32) (param $zc i32) (result i32)
    (local $i i32) (local $n16 i32) (local $p i32) (local $used i32) (local $mask i32) (local $at i32)
    (local $b v128) (local $q v128) (local $r v128) (local $near v128) (local $shuffle v128) (local $iv v128)
    (local $k0 v128) (local $k1 v128) (local $k2 v128) (local $k3 v128) (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $bytes v128) (local $below v128) (local $zeros v128)
    (local $lov v128) (local $widthv v128) (local $minv v128) (local $inversev v128) (local $qmaxv v128) (local $limitv v128)
    (local $z0v v128) (local $zcv v128)
    (local.set $lov (i32x4.splat (local.get $lo)))
    (local.set $widthv (i32x4.splat (local.get $width)))
    (local.set $minv (f32x4.splat (local.get $min32)))
    (local.set $inversev (f32x4.splat (local.get $inverse32)))
    (local.set $qmaxv (f32x4.splat (f32.demote_f64 (local.get $qmax))))
    (local.set $limitv (f32x4.splat (local.get $limit)))
    (local.set $z0v (i32x4.splat (local.get $z0)))
    (local.set $zcv (i8x16.splat (local.get $zc)))
    (local.set $n16 (i32.and (local.get $n) (i32.const -16)))
    (block $done
      (loop $sixteen
        (br_if $done (i32.ge_u (local.get $i) (local.get $n16)))
        (local.set $p (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $near (v128.const i32x4 0 0 0 0))
        ;; For each four weights: d = key - lo (negative below the bracket: both lie below 2^31), m = all ones
        ;; below it, and the code as encode8 makes it, z0 where m is set. The same lines four times, inline (see
        ;; encode).
        (local.set $b (v128.load offset=0 align=4 (local.get $p)))
        (local.set $k0 (v128.and (local.get $b) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $d0 (i32x4.sub (local.get $k0) (local.get $lov)))
        (local.set $m0 (i32x4.shr_s (local.get $d0) (i32.const 31)))
        (local.set $q (f32x4.pmin (local.get $qmaxv) (f32x4.pmax (v128.const f32x4 0 0 0 0)
          (f32x4.mul (f32x4.sub (local.get $b) (local.get $minv)) (local.get $inversev)))))
        (local.set $r (f32x4.add (local.get $q) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23)))
        (local.set $near (v128.or (local.get $near) (f32x4.gt
          (f32x4.abs (f32x4.sub (local.get $q) (f32x4.sub (local.get $r) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23))))
          (local.get $limitv))))
        (local.set $c0 (v128.bitselect (local.get $z0v)
          (i32x4.sub (local.get $r) (v128.const i32x4 0x4b000000 0x4b000000 0x4b000000 0x4b000000))
          (local.get $m0)))
        (local.set $b (v128.load offset=16 align=4 (local.get $p)))
        (local.set $k1 (v128.and (local.get $b) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $d1 (i32x4.sub (local.get $k1) (local.get $lov)))
        (local.set $m1 (i32x4.shr_s (local.get $d1) (i32.const 31)))
        (local.set $q (f32x4.pmin (local.get $qmaxv) (f32x4.pmax (v128.const f32x4 0 0 0 0)
          (f32x4.mul (f32x4.sub (local.get $b) (local.get $minv)) (local.get $inversev)))))
        (local.set $r (f32x4.add (local.get $q) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23)))
        (local.set $near (v128.or (local.get $near) (f32x4.gt
          (f32x4.abs (f32x4.sub (local.get $q) (f32x4.sub (local.get $r) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23))))
          (local.get $limitv))))
        (local.set $c1 (v128.bitselect (local.get $z0v)
          (i32x4.sub (local.get $r) (v128.const i32x4 0x4b000000 0x4b000000 0x4b000000 0x4b000000))
          (local.get $m1)))
        (local.set $b (v128.load offset=32 align=4 (local.get $p)))
        (local.set $k2 (v128.and (local.get $b) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $d2 (i32x4.sub (local.get $k2) (local.get $lov)))
        (local.set $m2 (i32x4.shr_s (local.get $d2) (i32.const 31)))
        (local.set $q (f32x4.pmin (local.get $qmaxv) (f32x4.pmax (v128.const f32x4 0 0 0 0)
          (f32x4.mul (f32x4.sub (local.get $b) (local.get $minv)) (local.get $inversev)))))
        (local.set $r (f32x4.add (local.get $q) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23)))
        (local.set $near (v128.or (local.get $near) (f32x4.gt
          (f32x4.abs (f32x4.sub (local.get $q) (f32x4.sub (local.get $r) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23))))
          (local.get $limitv))))
        (local.set $c2 (v128.bitselect (local.get $z0v)
          (i32x4.sub (local.get $r) (v128.const i32x4 0x4b000000 0x4b000000 0x4b000000 0x4b000000))
          (local.get $m2)))
        (local.set $b (v128.load offset=48 align=4 (local.get $p)))
        (local.set $k3 (v128.and (local.get $b) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $d3 (i32x4.sub (local.get $k3) (local.get $lov)))
        (local.set $m3 (i32x4.shr_s (local.get $d3) (i32.const 31)))
        (local.set $q (f32x4.pmin (local.get $qmaxv) (f32x4.pmax (v128.const f32x4 0 0 0 0)
          (f32x4.mul (f32x4.sub (local.get $b) (local.get $minv)) (local.get $inversev)))))
        (local.set $r (f32x4.add (local.get $q) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23)))
        (local.set $near (v128.or (local.get $near) (f32x4.gt
          (f32x4.abs (f32x4.sub (local.get $q) (f32x4.sub (local.get $r) (v128.const f32x4 0x1p23 0x1p23 0x1p23 0x1p23))))
          (local.get $limitv))))
        (local.set $c3 (v128.bitselect (local.get $z0v)
          (i32x4.sub (local.get $r) (v128.const i32x4 0x4b000000 0x4b000000 0x4b000000 0x4b000000))
          (local.get $m3)))
        (if (v128.any_true (local.get $near))
          (then
            ;; A value near a half level: these sixteen exactly, one at a time.
            (local.set $used (call $codeBracketScalar (local.get $i) (i32.const 16) (local.get $lo) (local.get $width) (local.get $base)
              (local.get $used) (local.get $min) (local.get $max) (local.get $scale) (local.get $qmax) (local.get $z0) (local.get $zc))))
          (else
            (local.set $below (i32x4.sub (i32x4.sub (local.get $below) (local.get $m0)) (local.get $m1)))
            (local.set $below (i32x4.sub (i32x4.sub (local.get $below) (local.get $m2)) (local.get $m3)))
            (local.set $bytes (i8x16.narrow_i16x8_u (i16x8.narrow_i32x4_u (local.get $c0) (local.get $c1)) (i16x8.narrow_i32x4_u (local.get $c2) (local.get $c3))))
            (v128.store align=1 (i32.add (global.get $CODES) (local.get $i)) (local.get $bytes))
            ;; Zero codes counted on the bytes: the all-ones bytes of the comparison summed in pairs into 16-bit
            ;; lanes (at most 2 a step: a chunk's 4,096 steps cannot overflow them).
            (local.set $zeros (i16x8.sub (local.get $zeros) (i16x8.extadd_pairwise_i8x16_s (i8x16.eq (local.get $bytes) (local.get $zcv)))))
            ;; Keys inside the bracket (d <= width as unsigned), moved to the front of each four as scan does; but
            ;; behind a branch on the smallest d of each lane, since only a few percent of weights lie inside.
            (if (v128.any_true (i32x4.le_u
                  (i32x4.min_u (i32x4.min_u (local.get $d0) (local.get $d1)) (i32x4.min_u (local.get $d2) (local.get $d3)))
                  (local.get $widthv)))
              (then
                ;; Which of the sixteen (bit l of the mask for weight i + l), then each, lowest first.
                (local.set $mask (i32.or
                  (i32.or (i32x4.bitmask (i32x4.le_u (local.get $d0) (local.get $widthv)))
                    (i32.shl (i32x4.bitmask (i32x4.le_u (local.get $d1) (local.get $widthv))) (i32.const 4)))
                  (i32.or (i32.shl (i32x4.bitmask (i32x4.le_u (local.get $d2) (local.get $widthv))) (i32.const 8))
                    (i32.shl (i32x4.bitmask (i32x4.le_u (local.get $d3) (local.get $widthv))) (i32.const 12)))))
                (loop $each
                  (local.set $at (i32.ctz (local.get $mask)))
                  (i32.store (i32.add (global.get $KEYS) (i32.shl (local.get $used) (i32.const 2)))
                    (i32.and (i32.load (i32.add (local.get $p) (i32.shl (local.get $at) (i32.const 2)))) (i32.const 0x7fffffff)))
                  (i32.store (i32.add (global.get $IDX) (i32.shl (local.get $used) (i32.const 2)))
                    (i32.add (i32.add (local.get $base) (local.get $i)) (local.get $at)))
                  (local.set $used (i32.add (local.get $used) (i32.const 1)))
                  (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
                  (br_if $each (local.get $mask)))
              ))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $sixteen)))
    (i32.store offset=0 (i32.const 0) (i32.add (i32.load offset=0 (i32.const 0)) (call $sum4 (local.get $below))))
    (i32.store offset=12 (i32.const 0) (i32.add (i32.load offset=12 (i32.const 0))
      (call $sum4 (i32x4.extadd_pairwise_i16x8_u (local.get $zeros)))))
    ;; The last n mod 16 one at a time.
    (call $codeBracketScalar (local.get $n16) (i32.sub (local.get $n) (local.get $n16)) (local.get $lo) (local.get $width) (local.get $base)
      (local.get $used) (local.get $min) (local.get $max) (local.get $scale) (local.get $qmax) (local.get $z0) (local.get $zc)))

  ;; The sum of the four lanes.
  (func $sum4 (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; codeBracket for `count` weights from index i, one at a time, with encodeScalar's float64 arithmetic for the
  ;; kept codes; adds to OUT + 0 and OUT + 12 itself; returns the new number of keys appended.
  (func $codeBracketScalar (param $i i32) (param $count i32) (param $lo i32) (param $width i32) (param $base i32) (param $used i32)
      (param $min f64) (param $max f64) (param $scale f64) (param $qmax f64) (param $z0 i32) (param $zc i32) (result i32)
    (local $end i32) (local $bits i32) (local $key i32) (local $d i32) (local $c i32) (local $x f64) (local $below i32) (local $zeros i32)
    (local.set $end (i32.add (local.get $i) (local.get $count)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $bits (i32.load (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $key (i32.and (local.get $bits) (i32.const 0x7fffffff)))
        (local.set $d (i32.sub (local.get $key) (local.get $lo)))
        (if (i32.lt_s (local.get $d) (i32.const 0))
          (then
            (local.set $c (local.get $z0))
            (local.set $below (i32.add (local.get $below) (i32.const 1))))
          (else
            (local.set $x (f64.promote_f32 (f32.reinterpret_i32 (local.get $bits))))
            (if (f64.lt (local.get $x) (local.get $min)) (then (local.set $x (local.get $min)))
              (else (if (f64.gt (local.get $x) (local.get $max)) (then (local.set $x (local.get $max))))))
            (local.set $x (f64.nearest (f64.div (f64.sub (local.get $x) (local.get $min)) (local.get $scale))))
            (if (f64.gt (local.get $x) (local.get $qmax)) (then (local.set $x (local.get $qmax))))
            (local.set $c (i32.trunc_sat_f64_s (local.get $x)))
            (if (i32.le_u (local.get $d) (local.get $width))
              (then
                (i32.store (i32.add (global.get $KEYS) (i32.shl (local.get $used) (i32.const 2))) (local.get $key))
                (i32.store (i32.add (global.get $IDX) (i32.shl (local.get $used) (i32.const 2))) (i32.add (local.get $base) (local.get $i)))
                (local.set $used (i32.add (local.get $used) (i32.const 1)))))))
        (if (i32.eq (local.get $c) (local.get $zc)) (then (local.set $zeros (i32.add (local.get $zeros) (i32.const 1)))))
        (i32.store8 (i32.add (global.get $CODES) (local.get $i)) (local.get $c))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (i32.store offset=0 (i32.const 0) (i32.add (i32.load offset=0 (i32.const 0)) (local.get $below)))
    (i32.store offset=12 (i32.const 0) (i32.add (i32.load offset=12 (i32.const 0)) (local.get $zeros)))
    (local.get $used))

  ;; The exact threshold among the keys found inside the bracket (prune/magnitude.ts selectInBracket), by a radix
  ;; select of two 16-bit digits of key - lo, as select.ts kthSmallestKey does on the keys themselves. In JavaScript
  ;; these loops ran cold, once per command, at interpreter speed (14-21 ms at 25M weights); here they start compiled.

  ;; histHigh(n, lo, shift): for each of the n keys at SRC, all in [lo, lo + 2^(shift + 16)), adds one to HIST at
  ;; (key - lo) >>> shift: the first digit.
  (func (export "histHigh") (param $n i32) (param $lo i32) (param $shift i32)
    (local $i i32) (local $h i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $h (i32.add (global.get $HIST) (i32.shl
          (i32.shr_u (i32.sub (i32.load (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2)))) (local.get $lo)) (local.get $shift))
          (i32.const 2))))
        (i32.store (local.get $h) (i32.add (i32.load (local.get $h)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each))))

  ;; histLow(n, lo, shift, high): the second digit: for each of the n keys at SRC whose first digit is `high`, adds
  ;; one to HIST at (key - lo) & (2^shift - 1). Without a branch on the key (the other keys add zero).
  (func (export "histLow") (param $n i32) (param $lo i32) (param $shift i32) (param $high i32)
    (local $i i32) (local $d i32) (local $h i32) (local $mask i32)
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $shift)) (i32.const 1)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $d (i32.sub (i32.load (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2)))) (local.get $lo)))
        (local.set $h (i32.add (global.get $HIST) (i32.shl (i32.and (local.get $d) (local.get $mask)) (i32.const 2))))
        (i32.store (local.get $h) (i32.add (i32.load (local.get $h))
          (i32.eq (i32.shr_u (local.get $d) (local.get $shift)) (local.get $high))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each))))

  ;; findBucket(k) -> the first bucket b at which HIST's counts in buckets 0..b reach k; writes to OUT the count in
  ;; the buckets below b. Stops at the last bucket: the caller checks that k was within the counts.
  (func (export "findBucket") (param $k i32) (result i32)
    (local $b i32) (local $below i32) (local $c i32)
    (block $done
      (loop $each
        (local.set $c (i32.load (i32.add (global.get $HIST) (i32.shl (local.get $b) (i32.const 2)))))
        (br_if $done (i32.ge_u (i32.add (local.get $below) (local.get $c)) (local.get $k)))
        (br_if $done (i32.eq (local.get $b) (i32.const 65535)))
        (local.set $below (i32.add (local.get $below) (local.get $c)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $each)))
    (i32.store (i32.const 0) (local.get $below))
    (local.get $b))

  ;; countKeys(n, t): writes to OUT how many of the n keys at SRC (non-negative) are below t, equal to t, and zero:
  ;; each tensor's share of the threshold, counted without a branch on the key.
  (func (export "countKeys") (param $n i32) (param $t i32)
    (local $i i32) (local $key i32) (local $smaller i32) (local $equal i32) (local $zeros i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $key (i32.load (i32.add (global.get $SRC) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $smaller (i32.add (local.get $smaller) (i32.lt_s (local.get $key) (local.get $t))))
        (local.set $equal (i32.add (local.get $equal) (i32.eq (local.get $key) (local.get $t))))
        (local.set $zeros (i32.add (local.get $zeros) (i32.eqz (local.get $key))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (i32.store offset=0 (i32.const 0) (local.get $smaller))
    (i32.store offset=4 (i32.const 0) (local.get $equal))
    (i32.store offset=8 (i32.const 0) (local.get $zeros)))
)
