;; Rescale of stored 16-bit CT values to whole HU in place, eight values per instruction.
;; Works on the memory of one volume (imported): byte range [p, end), a multiple of 16 bytes.
;; The bytes embedded in int16-rescale.ts are this file assembled by wabt (a test checks it).
(module
  (import "volume" "memory" (memory 0))

  ;; v := (v & mask) + intercept, wrapping: for unsigned values whose every result fits int16.
  (func (export "maskedAdd") (param $p i32) (param $end i32) (param $mask i32) (param $intercept i32)
    (local $m v128) (local $c v128)
    (local.set $m (i16x8.splat (local.get $mask)))
    (local.set $c (i16x8.splat (local.get $intercept)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p)
          (i16x8.add (v128.and (v128.load (local.get $p)) (local.get $m)) (local.get $c)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next))))

  ;; v := clamp(sign-extended low (16 - shift) bits of v + intercept) to the int16 range.
  (func (export "signedAddClamped") (param $p i32) (param $end i32) (param $shift i32) (param $intercept i32)
    (local $c v128)
    (local.set $c (i16x8.splat (local.get $intercept)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p)
          (i16x8.add_sat_s
            (i16x8.shr_s (i16x8.shl (v128.load (local.get $p)) (local.get $shift)) (local.get $shift))
            (local.get $c)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next))))
)
