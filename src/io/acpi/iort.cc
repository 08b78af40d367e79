// IORT: nodes, their ID mappings, and the walk from a root complex's requester ID to an SMMU.
#include "io/acpi/iort.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "io/input_error.h"

namespace atslab::io::acpi {
namespace {

constexpr size_t kNodeHeader = 16, kMappingSize = 20;

std::string where(const IortNode& n) { return fmt::format("{} node at 0x{:x}", iort_node_type_name(n.type), n.offset); }

// One mapping's answer for `id` at a node of type `type`, as Linux's iort_id_map() gives it: a
// single mapping gives its output_base whatever the input (only root complexes and named
// components may have one; elsewhere it is skipped), a range takes input_base through
// input_base + id_count inclusive. `after_end_match`: an earlier mapping matched `id` as its last
// ID; then only a range starting at `id` may take it (the workaround for tables that read
// id_count as the number of IDs). Again: `id` is this range's last ID, which a later range
// starting there may take instead.
enum class MapResult { None, Match, Again };
MapResult map_one(const IortIdMapping& m, uint8_t type, uint32_t id, bool after_end_match, uint32_t& out) {
  if (m.single()) {
    if (type != ACPI_IORT_NODE_NAMED_COMPONENT && type != ACPI_IORT_NODE_PCI_ROOT_COMPLEX) return MapResult::None;
    out = m.output_base;
    return MapResult::Match;
  }
  if (id < m.input_base || uint64_t{id} > uint64_t{m.input_base} + m.id_count) return MapResult::None;
  if (after_end_match && id != m.input_base) return MapResult::None;
  out = static_cast<uint32_t>(m.output_base + (id - m.input_base));
  if (m.id_count > 0 && uint64_t{id} == uint64_t{m.input_base} + m.id_count) return MapResult::Again;
  return MapResult::Match;
}

}  // namespace

std::string iort_node_type_name(uint8_t type) {
  switch (type) {
    case ACPI_IORT_NODE_ITS_GROUP: return "ITS group";
    case ACPI_IORT_NODE_NAMED_COMPONENT: return "named component";
    case ACPI_IORT_NODE_PCI_ROOT_COMPLEX: return "root complex";
    case ACPI_IORT_NODE_SMMU: return "SMMUv1/v2";
    case ACPI_IORT_NODE_SMMU_V3: return "SMMUv3";
    case ACPI_IORT_NODE_PMCG: return "PMCG";
    case ACPI_IORT_NODE_RMR: return "RMR";
    default: return fmt::format("type 0x{:02x}", type);
  }
}

const IortNode* Iort::node_at(uint32_t offset) const {
  // Nodes are read in increasing offset order.
  auto it = std::lower_bound(nodes.begin(), nodes.end(), offset, [](const IortNode& n, uint32_t o) { return n.offset < o; });
  return it != nodes.end() && it->offset == offset ? &*it : nullptr;
}

Iort parse_iort(RawTable t) {
  if (t.header.signature != "IORT") throw InputError(fmt::format("{}: a {} table, not IORT", t.source, t.header.signature));
  Iort iort;
  const Cursor c(t);
  const uint32_t count = c.u32(36, "IORT node count");
  const uint32_t first = c.u32(40, "IORT node offset");
  if (first < 48 || first > c.size()) c.fail(fmt::format("IORT node offset 0x{:x} is not inside the table after its header", first));
  if (uint64_t{count} * kNodeHeader > c.size() - first)
    c.fail(fmt::format("IORT says {} nodes from 0x{:x}, more than the table's {} bytes can hold", count, first, c.size()));
  size_t off = first;
  for (uint32_t i = 0; i < count; ++i) {
    IortNode n;
    n.offset = static_cast<uint32_t>(off);
    c.need(off, kNodeHeader, fmt::format("IORT node {}", i));
    n.type = c.u8(off, "node type");
    n.length = c.u16(off + 1, "node length");
    n.revision = c.u8(off + 3, "node revision");
    n.identifier = c.u32(off + 4, "node identifier");
    const uint32_t map_count = c.u32(off + 8, "mapping count");
    const uint32_t map_off = c.u32(off + 12, "mapping offset");
    if (n.length < kNodeHeader) c.fail(fmt::format("IORT node {} at 0x{:x} has length {}, shorter than a node header", i, off, n.length));
    if (n.length > c.size() - off)
      c.fail(fmt::format("IORT node {} at 0x{:x} has length {}, past the table's end at 0x{:x}", i, off, n.length, c.size()));
    auto need = [&](size_t end, std::string_view what) {
      if (n.length < end) c.fail(fmt::format("the {} is {} bytes, too short for its {} (needs {})", where(n), n.length, what, end));
    };
    if (map_count) {
      if (map_off < kNodeHeader || uint64_t{map_off} + uint64_t{map_count} * kMappingSize > n.length)
        c.fail(fmt::format("the {} has {} ID mappings at offset 0x{:x}, past its length {}", where(n), map_count, map_off, n.length));
      for (uint32_t m = 0; m < map_count; ++m) {
        const size_t p = off + map_off + size_t{m} * kMappingSize;
        n.mappings.push_back({c.u32(p, "input base"), c.u32(p + 4, "ID count"), c.u32(p + 8, "output base"),
                              c.u32(p + 12, "output reference"), c.u32(p + 16, "mapping flags")});
      }
    }
    switch (n.type) {
      case ACPI_IORT_NODE_ITS_GROUP: {
        need(20, "ITS count");
        const uint32_t its = c.u32(off + 16, "ITS count");
        if (uint64_t{its} * 4 > n.length - 20u) c.fail(fmt::format("the {} lists {} ITS identifiers, past its length {}", where(n), its, n.length));
        for (uint32_t k = 0; k < its; ++k) n.its_identifiers.push_back(c.u32(off + 20 + 4 * k, "ITS identifier"));
        break;
      }
      case ACPI_IORT_NODE_NAMED_COMPONENT: {
        need(30, "memory properties and device name");
        n.cache_coherency = c.u32(off + 20, "cache coherency");
        n.memory_flags = c.u8(off + 27, "memory flags");
        n.memory_address_limit = c.u8(off + 28, "memory address limit");
        // The name runs from byte 29 to its NUL, before the mappings when there are any.
        const size_t end = off + (map_count ? std::min<size_t>(map_off, n.length) : n.length);
        size_t p = off + 29;
        for (; p < end && t.bytes[p] != 0; ++p) {
          const uint8_t ch = t.bytes[p];
          n.device_name += (ch >= 0x20 && ch < 0x7f) ? std::string(1, static_cast<char>(ch)) : fmt::format("\\x{:02x}", ch);
        }
        if (p == end) c.fail(fmt::format("the {} has a device name without its NUL", where(n)));
        break;
      }
      case ACPI_IORT_NODE_PCI_ROOT_COMPLEX:
        need(32, "memory properties, ATS attribute and PCI segment");
        n.cache_coherency = c.u32(off + 16, "cache coherency");
        n.memory_flags = c.u8(off + 23, "memory flags");
        n.ats_attribute = c.u32(off + 24, "ATS attribute");
        n.pci_segment_number = c.u32(off + 28, "PCI segment number");
        if (n.revision >= 1 && n.length >= 33) n.memory_address_limit = c.u8(off + 32, "memory address limit");
        break;
      case ACPI_IORT_NODE_SMMU:
        need(40, "base address, span, model and flags");
        n.base_address = c.u64(off + 16, "base address");
        n.model = c.u32(off + 32, "model");
        n.flags = c.u32(off + 36, "flags");
        break;
      case ACPI_IORT_NODE_SMMU_V3:
        need(60, "base address, flags, model and GSIVs");
        n.base_address = c.u64(off + 16, "base address");
        n.flags = c.u32(off + 24, "flags");
        n.model = c.u32(off + 40, "model");
        n.event_gsiv = c.u32(off + 44, "event GSIV");
        n.pri_gsiv = c.u32(off + 48, "PRI GSIV");
        n.gerr_gsiv = c.u32(off + 52, "GERR GSIV");
        n.sync_gsiv = c.u32(off + 56, "sync GSIV");
        if (n.length >= 64) n.pxm = c.u32(off + 60, "proximity domain");
        // The mapping of the SMMU's own MSIs: from node revision 1, and only when not all four
        // interrupts are wired (then there are no MSIs to map).
        if (n.revision >= 1 && n.length >= 68 && !(n.event_gsiv && n.pri_gsiv && n.gerr_gsiv && n.sync_gsiv)) {
          const uint32_t idx = c.u32(off + 64, "device ID mapping index");
          if (idx < map_count)
            n.id_mapping_index = idx;
          else if (map_count)
            t.notes.push_back(fmt::format("the {}'s device ID mapping index {} is past its {} mappings (FW_BUG in Linux); ignored",
                                          where(n), idx, map_count));
        }
        break;
      default:
        break;  // PMCG, RMR and later types: their mappings are kept, their bodies not read
    }
    iort.nodes.push_back(std::move(n));
    off += iort.nodes.back().length;
  }
  std::set<uint32_t> offsets;
  for (const auto& n : iort.nodes) offsets.insert(n.offset);
  for (const auto& n : iort.nodes) {
    size_t unreferenced = 0;
    for (size_t m = 0; m < n.mappings.size(); ++m) {
      const auto& map = n.mappings[m];
      // Reference 0 is "no parent": Linux reads such a table and fails only a lookup through
      // the mapping (FW_BUG "ID map has NULL parent reference"); Qualcomm's laptops ship
      // SMMUv2 nodes whose mappings all say 0.
      if (map.output_reference == 0) {
        ++unreferenced;
        continue;
      }
      if (!offsets.count(map.output_reference))
        c.fail(fmt::format("ID mapping {} of the {} references 0x{:x}, which is not a node", m, where(n), map.output_reference));
      // iort_node_map_id skips the SMMUv3's (and PMCG's) own MSI mapping before iort_id_map's
      // FW_BUG check, so a single mapping there is what the spec asks for.
      const bool own_msi = n.id_mapping_index && *n.id_mapping_index == m;
      if (map.single() && !own_msi && n.type != ACPI_IORT_NODE_NAMED_COMPONENT && n.type != ACPI_IORT_NODE_PCI_ROOT_COMPLEX &&
          n.type != ACPI_IORT_NODE_RMR)  // an RMR's mappings name single StreamIDs
        t.notes.push_back(fmt::format("ID mapping {} of the {} is a single mapping, which only root complexes and named "
                                      "components (and RMRs) may have (FW_BUG in Linux, which skips it)", m, where(n)));
    }
    if (unreferenced)
      t.notes.push_back(fmt::format("the {} has {} ID mapping{} with output reference 0 (no parent: FW_BUG in Linux, "
                                    "whose lookups through {} fail)", where(n), unreferenced, unreferenced == 1 ? "" : "s",
                                    unreferenced == 1 ? "it" : "them"));
  }
  iort.table = std::move(t);
  return iort;
}

std::optional<IortLookup> iort_map_rid(const Iort& iort, uint32_t segment, uint32_t rid) {
  IortLookup out;
  for (const auto& n : iort.nodes)
    if (n.type == ACPI_IORT_NODE_PCI_ROOT_COMPLEX && n.pci_segment_number == segment) {
      out.root_complex = &n;
      break;
    }
  if (!out.root_complex) return std::nullopt;
  const IortNode* node = out.root_complex;
  uint32_t id = rid;
  // iort_node_map_id: each step follows one mapping to another node; more steps than nodes is a loop.
  for (size_t step = 0; step <= iort.nodes.size(); ++step) {
    if (node->type == ACPI_IORT_NODE_SMMU || node->type == ACPI_IORT_NODE_SMMU_V3) {
      if (node != out.root_complex) {
        out.smmu = node;
        out.stream_id = id;
        return out;
      }
    }
    const std::string where = fmt::format("{} 0x{:x}", iort_node_type_name(node->type), node->offset);
    if (node->type == ACPI_IORT_NODE_ITS_GROUP) {
      out.why = fmt::format("its ID mappings lead to {} (MSIs only)", where);
      return out;
    }
    if (node->mappings.empty()) {
      out.why = fmt::format("{} has no ID mappings", where);
      return out;
    }
    // Linux checks the first mapping's reference only, and fails every lookup through the node.
    if (node->mappings[0].output_reference == 0) {
      out.why = fmt::format("{}'s first ID mapping has a NULL output reference (Linux: FW_BUG, every lookup through it fails)", where);
      return out;
    }
    const uint32_t map_id = id;
    const IortIdMapping* via = nullptr;
    uint32_t again_ref = 0;
    for (size_t m = 0; m < node->mappings.size(); ++m) {
      // An SMMUv3's own-MSI mapping is for the SMMU itself, not for the IDs passing through it.
      if (node->id_mapping_index && *node->id_mapping_index == m) continue;
      const MapResult r = map_one(node->mappings[m], node->type, map_id, again_ref != 0, id);
      if (r == MapResult::Match) {
        via = &node->mappings[m];
        out.workaround |= again_ref != 0;
        break;
      }
      if (r == MapResult::Again) again_ref = node->mappings[m].output_reference;
    }
    if (!via && !again_ref) {
      out.why = fmt::format("no ID mapping of {} takes ID 0x{:x}", where, map_id);
      return out;
    }
    const uint32_t next = via ? via->output_reference : again_ref;
    node = iort.node_at(next);
    if (!node) {
      out.why = fmt::format("an ID mapping of {} references nothing at 0x{:x}", where, next);
      return out;
    }
  }
  throw InputError(fmt::format("{}: the IORT ID mappings from the root complex of segment {} form a loop", iort.table.source, segment));
}

}  // namespace atslab::io::acpi
