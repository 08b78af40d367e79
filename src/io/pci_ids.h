#pragma once
// Vendor and device names from pci.ids (through libpci's name lookup).
#include <cstdint>
#include <memory>
#include <string>

namespace atslab::io {

class PciIds {
 public:
  PciIds();  // the system's pci.ids, where libpci looks for it
  // A given pci.ids file (tests, or a machine that keeps it elsewhere); a missing file gives no names.
  explicit PciIds(const std::string& path);
  ~PciIds();
  PciIds(const PciIds&) = delete;
  PciIds& operator=(const PciIds&) = delete;

  bool available() const { return available_; }
  // "Vendor Device" names, or an empty string when pci.ids does not know them.
  std::string vendor(uint16_t vendor) const;
  std::string device(uint16_t vendor, uint16_t device) const;

 private:
  struct Impl;
  void open(const std::string& path);
  std::unique_ptr<Impl> impl_;
  bool available_ = false;
};

}  // namespace atslab::io
