// STE/CD decoding, used bits and the writer's decision on arbitrary qwords, and command decoding.
#include <cstring>

#include "hw/smmuv3/command.h"
#include "hw/smmuv3/entry_decode.h"
#include "linux/smmuv3/entry_used.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace atslab;
  hw::smmuv3::Entry a{}, b{};
  std::memcpy(a.data(), data, std::min(size, sizeof a));
  if (size > sizeof a) std::memcpy(b.data(), data + sizeof a, std::min(size - sizeof a, sizeof b));
  (void)hw::smmuv3::decode_ste(a);
  (void)hw::smmuv3::decode_cd(a);
  (void)smmuv3::get_ste_used(a);
  (void)smmuv3::get_cd_used(a);
  (void)smmuv3::get_ste_update_safe(a, b);
  hw::smmuv3::RawCommand raw{};
  std::memcpy(&raw, data, std::min(size, sizeof raw));
  (void)hw::smmuv3::decode(raw);
  return 0;
}
