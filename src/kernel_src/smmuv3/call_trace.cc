// Call traces from inside the tree's SMMUv3 driver. Its translation units are
// compiled with -finstrument-functions (cmake/KernelTree.cmake): every function
// entry and exit calls the hooks below, which push and pop the kernel::Frame of
// the functions atslab names (kfunc.def), so a WARN deep in the driver prints
// the trace the kernel would (pci_disable_ats <- arm_smmu_attach_prepare <-
// arm_smmu_attach_dev_ste <- ...). Static functions have no dynamic symbol:
// addresses are named from the executable's own symbol table (.symtab), read
// once. A stripped binary has none, and traces then show only atslab's frames.
#include <elf.h>
#include <link.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "kernel_src/kernel_call.h"
#include "kernel_src/smmuv3/attach_phases.h"
#include "linux/kernel/kfunc.h"
#include "linux/system.h"

extern "C" {
void __cyg_profile_func_enter(void* fn, void* call_site) __attribute__((no_instrument_function));
void __cyg_profile_func_exit(void* fn, void* call_site) __attribute__((no_instrument_function));
}

namespace atslab::kernel_src {

namespace {

using kernel::KFn;

// Link-time address of every function symbol whose name (less a GCC clone suffix such
// as .isra.0) is a KFn; runtime = link-time + the executable's load bias.
class SymbolMap {
 public:
  SymbolMap() __attribute__((no_instrument_function)) {
    std::unordered_map<std::string, KFn> names;
    for (uint16_t i = 0; i < uint16_t(KFn::kCount); ++i) names.emplace(std::string(kernel::name(KFn(i))), KFn(i));
    // Only the headers, the symbol table and its strings are read: the executable itself is
    // tens of megabytes of code and debug information.
    std::ifstream in("/proc/self/exe", std::ios::binary);
    auto read = [&](uint64_t off, uint64_t n) __attribute__((no_instrument_function)) {
      std::vector<char> buf(n);
      in.seekg(std::streamoff(off));
      in.read(buf.data(), std::streamsize(n));
      if (!in) buf.clear();
      return buf;
    };
    const auto head = read(0, sizeof(Elf64_Ehdr));
    if (head.size() != sizeof(Elf64_Ehdr) || std::memcmp(head.data(), ELFMAG, SELFMAG) != 0) return;
    Elf64_Ehdr eh;
    std::memcpy(&eh, head.data(), sizeof eh);
    const auto shdrs = read(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr));
    if (shdrs.empty()) return;
    std::vector<Elf64_Shdr> sh(eh.e_shnum);
    std::memcpy(sh.data(), shdrs.data(), shdrs.size());
    uint64_t hook_link = 0;
    for (unsigned i = 0; i < eh.e_shnum; ++i) {
      if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh.e_shnum) continue;
      const auto symbuf = read(sh[i].sh_offset, sh[i].sh_size);
      const auto strs = read(sh[sh[i].sh_link].sh_offset, sh[sh[i].sh_link].sh_size);
      if (symbuf.empty() || strs.empty()) return;
      const size_t n = symbuf.size() / sizeof(Elf64_Sym);
      for (size_t k = 0; k < n; ++k) {
        Elf64_Sym sym;
        std::memcpy(&sym, symbuf.data() + k * sizeof(Elf64_Sym), sizeof sym);
        if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_name >= strs.size()) continue;
        std::string name(strs.data() + sym.st_name, strnlen(strs.data() + sym.st_name, strs.size() - sym.st_name));
        if (name == "__cyg_profile_func_enter") hook_link = sym.st_value;
        if (auto dot = name.find('.'); dot != std::string::npos) name.resize(dot);
        if (auto it = names.find(name); it != names.end()) by_link_addr_.emplace(sym.st_value, it->second);
      }
    }
    // The load bias, from a function whose runtime address is known: the hook itself.
    if (hook_link) bias_ = reinterpret_cast<uintptr_t>(&__cyg_profile_func_enter) - hook_link;
    ok_ = hook_link != 0;
  }

  bool find(void* fn, KFn* out) const __attribute__((no_instrument_function)) {
    if (!ok_) return false;
    auto it = by_link_addr_.find(reinterpret_cast<uintptr_t>(fn) - bias_);
    if (it == by_link_addr_.end()) return false;
    *out = it->second;
    return true;
  }

 private:
  std::unordered_map<uint64_t, KFn> by_link_addr_;
  uintptr_t bias_ = 0;
  bool ok_ = false;
};

const SymbolMap& symbols() __attribute__((no_instrument_function));
const SymbolMap& symbols() {
  static const SymbolMap m;
  return m;
}

// Per live entry: whether it pushed a frame (each exit pops only what its entry pushed), and
// the function atslab names it by, if any (kCount: none).
struct Entry {
  bool pushed;
  KFn f;
};
thread_local std::vector<Entry> entries;

}  // namespace

}  // namespace atslab::kernel_src

using namespace atslab::kernel_src;

extern "C" void __cyg_profile_func_enter(void* fn, void*) {
  atslab::System* s = KernelCall::current_mutable();
  atslab::kernel::KFn f = atslab::kernel::KFn::kCount;
  const bool named = s && symbols().find(fn, &f);
  // The glue already opened this function's frame (it called the function): not twice.
  bool push = named && !(!s->kernel.ctx.stack.empty() && s->kernel.ctx.stack.back() == f);
  if (push) s->kernel.ctx.stack.push_back(f);
  entries.push_back({push, named ? f : atslab::kernel::KFn::kCount});
  if (named) atslab::kernel_src::smmuv3::phase_entered(*s, f);
}

extern "C" void __cyg_profile_func_exit(void*, void*) {
  if (entries.empty()) return;
  const Entry e = entries.back();
  entries.pop_back();
  atslab::System* s = KernelCall::current_mutable();
  if (s && e.f != atslab::kernel::KFn::kCount) atslab::kernel_src::smmuv3::phase_exited(*s, e.f);
  if (e.pushed && s && !s->kernel.ctx.stack.empty()) s->kernel.ctx.stack.pop_back();
}
