#pragma once
// GENMASK_ULL / FIELD_GET / FIELD_PREP for 64-bit register and entry fields.
#include <bit>
#include <cstdint>

namespace atslab::hw::smmuv3 {

constexpr uint64_t genmask(unsigned hi, unsigned lo) {
  return (~uint64_t{0} >> (63 - hi)) & (~uint64_t{0} << lo);
}
constexpr uint64_t bit(unsigned n) { return uint64_t{1} << n; }
constexpr uint64_t field_get(uint64_t mask, uint64_t v) {
  return (v & mask) >> std::countr_zero(mask);
}
// Like FIELD_PREP: the value is masked to the field's width.
constexpr uint64_t field_prep(uint64_t mask, uint64_t v) {
  return (v << std::countr_zero(mask)) & mask;
}

}  // namespace atslab::hw::smmuv3
