#include "io/pci_ids.h"

extern "C" {
#include <pci/pci.h>
}

#include <filesystem>

namespace atslab::io {

namespace {
__attribute__((noreturn)) void ids_error(char*, ...) { std::abort(); }  // only reachable on allocation failure inside libpci
void ids_quiet(char*, ...) {}
}  // namespace

struct PciIds::Impl {
  pci_access* a = nullptr;
  std::string path;  // a given pci.ids path, owned here because libpci only points at it
};

PciIds::PciIds() : impl_(std::make_unique<Impl>()) {
  impl_->a = pci_alloc();
  open(impl_->a->id_file_name ? impl_->a->id_file_name : "");
}

PciIds::PciIds(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->a = pci_alloc();
  impl_->path = path;
  // libpci keeps the pointer (to_be_freed = 0): the string lives as long as the access.
  pci_set_name_list_path(impl_->a, impl_->path.data(), 0);
  open(path);
}

void PciIds::open(const std::string& path) {
  impl_->a->error = ids_error;
  impl_->a->warning = ids_quiet;
  impl_->a->debug = ids_quiet;
  // Without pci.ids libpci prints numbers; we would rather say nothing.
  // libpci tries the compressed name first and falls back to the plain file.
  std::string plain = path.size() > 3 && path.ends_with(".gz") ? path.substr(0, path.size() - 3) : path;
  available_ = !path.empty() && (std::filesystem::is_regular_file(path) || std::filesystem::is_regular_file(plain));
}

PciIds::~PciIds() { pci_cleanup(impl_->a); }

std::string PciIds::vendor(uint16_t v) const {
  if (!available_) return {};
  char buf[256];
  const char* s = pci_lookup_name(impl_->a, buf, sizeof buf, PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB, v);
  return s ? s : "";
}

std::string PciIds::device(uint16_t v, uint16_t d) const {
  if (!available_) return {};
  char buf[256];
  const char* s = pci_lookup_name(impl_->a, buf, sizeof buf, PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB, v, d);
  return s ? s : "";
}

}  // namespace atslab::io
