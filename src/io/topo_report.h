#pragma once
// What `atslab topo` shows of each function: identity, SR-IOV relation, the
// ATS capability and control as the hardware holds them, untrusted, quirks.
#include <nlohmann/json.hpp>
#include <string>

#include "io/pci_ids.h"
#include "linux/system.h"

namespace atslab::io {

nlohmann::json topo_json(const System& s, const PciIds& ids);
std::string topo_text(const System& s, const PciIds& ids);

}  // namespace atslab::io
