#include "io/op_json.h"

#include <fmt/format.h>

#include "io/input_error.h"
#include "io/json_file.h"
#include "linux/kernel/fault_inject.h"
#include "sim/op_kinds.h"

namespace atslab::io {

namespace {

using sim::OpField;

// One field's JSON form, both ways. Which fields an operation has is sim::op_fields's table,
// which the writer and the reader both walk.
void write_field(const sim::Op& op, OpField f, nlohmann::json& j) {
  const std::string key(sim::field_name(f));
  switch (f) {
    case OpField::Device: j[key] = op.device; return;
    case OpField::Container: j[key] = op.container; return;
    case OpField::Driver: j[key] = op.driver; return;
    case OpField::Count: j[key] = op.count; return;
    case OpField::Iova: j[key] = op.iova; return;
    case OpField::Write: j[key] = op.write; return;
    case OpField::Type: j[key] = op.type; return;
    case OpField::Hwpt: j[key] = op.hwpt; return;
    case OpField::Pasid: j[key] = op.pasid; return;
    case OpField::NestParent: j[key] = op.nest_parent; return;
    case OpField::Viommu: j[key] = op.viommu; return;
    case OpField::Vsid: j[key] = op.vsid; return;
    case OpField::Cfg: j[key] = op.cfg; return;
    case OpField::Eats: j[key] = op.eats; return;
    case OpField::Mm: j[key] = op.mm; return;
    case OpField::PasidCompat: j[key] = op.pasid_compat; return;
    case OpField::Methods: j[key] = op.methods; return;
  }
}

void read_field(const nlohmann::json& v, OpField f, const std::string& where, sim::Op& op) {
  const std::string at = fmt::format("{}.{}", where, sim::field_name(f));
  auto str = [&](std::string& out) {
    if (!v.is_string()) throw InputError(fmt::format("{} must be a string", at));
    out = v.get<std::string>();
  };
  switch (f) {
    case OpField::Device: return str(op.device);
    case OpField::Container: return str(op.container);
    case OpField::Driver:
      str(op.driver);
      if (op.driver != "native" && op.driver != "vfio-pci") throw InputError(fmt::format("{}: expected native or vfio-pci", at));
      return;
    case OpField::Count:
      if (!v.is_number_unsigned() || v.get<uint64_t>() > sim::max_count(op.kind))
        throw InputError(fmt::format("{} must be a whole number up to {}", at, sim::max_count(op.kind)));
      op.count = v.get<uint32_t>();
      return;
    case OpField::Iova:
      if (!v.is_number_unsigned()) throw InputError(fmt::format("{} must be a whole number", at));
      op.iova = v.get<uint64_t>();
      return;
    case OpField::Write:
      if (!v.is_boolean()) throw InputError(fmt::format("{} must be true or false", at));
      op.write = v.get<bool>();
      return;
    case OpField::Type:
      str(op.type);
      if (!sim::is_group_type(op.type)) throw InputError(fmt::format("{}: expected identity, DMA or auto", at));
      return;
    case OpField::Hwpt:
      str(op.hwpt);
      if (op.hwpt.empty()) throw InputError(fmt::format("{} must not be empty", at));
      return;
    case OpField::Pasid:
      if (!v.is_number_unsigned() || v.get<uint64_t>() < 1 || v.get<uint64_t>() > sim::kMaxWorkloadPasid)
        throw InputError(fmt::format("{} must be a PASID from 1 to {}", at, sim::kMaxWorkloadPasid));
      op.pasid = v.get<uint32_t>();
      return;
    case OpField::NestParent:
      if (!v.is_boolean()) throw InputError(fmt::format("{} must be true or false", at));
      op.nest_parent = v.get<bool>();
      return;
    case OpField::Viommu:
      str(op.viommu);
      if (op.viommu.empty()) throw InputError(fmt::format("{} must not be empty", at));
      return;
    case OpField::Vsid:
      if (!v.is_number_unsigned() || v.get<uint64_t>() > 0xffffffffu)
        throw InputError(fmt::format("{} must be a whole number up to 4294967295", at));
      op.vsid = v.get<uint32_t>();
      return;
    case OpField::Cfg:
      str(op.cfg);
      if (!sim::is_vste_cfg(op.cfg))
        throw InputError(fmt::format("{}: expected abort, bypass, s1_trans, s2_trans, nested or invalid", at));
      return;
    case OpField::Eats:
      if (!v.is_number_unsigned() || v.get<uint64_t>() > 3) throw InputError(fmt::format("{} must be an EATS value from 0 to 3", at));
      op.eats = v.get<uint32_t>();
      return;
    case OpField::Mm:
      if (!v.is_number_unsigned() || v.get<uint64_t>() >= mm::kMaxProcesses)
        throw InputError(fmt::format("{} must be a process from 0 to {}", at, mm::kMaxProcesses - 1));
      op.mm = v.get<uint32_t>();
      return;
    case OpField::PasidCompat:
      if (!v.is_boolean()) throw InputError(fmt::format("{} must be true or false", at));
      op.pasid_compat = v.get<bool>();
      return;
    case OpField::Methods:
      str(op.methods);
      if (op.methods.size() > sim::kMaxSysfsWrite)
        throw InputError(fmt::format("{}: at most {} characters (one sysfs write)", at, sim::kMaxSysfsWrite));
      return;
  }
}

}  // namespace

nlohmann::json op_to_json(const sim::Op& op) {
  nlohmann::json j = {{"op", sim::op_name(op.kind)}};
  for (OpField f : sim::op_fields(op.kind)) write_field(op, f, j);
  if (!op.fault.empty()) j["fault"] = op.fault;
  if (!op.nested.empty()) {
    const auto& n = op.nested.front();
    j["interleave"] = {{"at", std::string(kernel::name(n.at))}, {"nth", n.nth}, {"op", op_to_json(n.op)}};
  }
  return j;
}

sim::Op op_from_json(const nlohmann::json& o, const std::string& where) {
  if (!o.is_object() || !o.contains("op") || !o["op"].is_string())
    throw InputError(fmt::format("{}: expected an object with an 'op' string", where));
  sim::Op op;
  auto kind = sim::parse_op_name(o["op"].get<std::string>());
  if (!kind) throw InputError(fmt::format("{}: unknown operation '{}'", where, o["op"].get<std::string>()));
  op.kind = *kind;
  // What op_to_json writes for this kind, and nothing else: a misspelt "devcie" must not run
  // with no device, and an "iova" on sriov_enable would be ignored.
  std::vector<std::string> keys = {"op"};
  for (OpField f : sim::op_fields(op.kind)) keys.emplace_back(sim::field_name(f));
  keys.insert(keys.end(), {"fault", "interleave"});
  only_keys(o, where, keys);
  for (OpField f : sim::op_fields(op.kind))
    if (o.contains(sim::field_name(f))) read_field(o[sim::field_name(f)], f, where, op);
  if (sim::uses(op.kind, OpField::Device) && op.device.empty())
    throw InputError(fmt::format("{}.device: {} needs a device", where, sim::op_name(op.kind)));
  if (sim::uses(op.kind, OpField::Type) && !o.contains("type"))
    throw InputError(fmt::format("{}.type: expected identity, DMA or auto", where));
  if (o.contains("fault")) {
    if (!o["fault"].is_string()) throw InputError(fmt::format("{}.fault must be a string", where));
    op.fault = o["fault"].get<std::string>();
    if (!faults::parse_point(op.fault)) throw InputError(fmt::format("{}.fault: unknown fault point '{}'", where, op.fault));
  }
  if (o.contains("interleave")) {
    const auto& i = o["interleave"];
    if (!i.is_object() || !i.contains("at") || !i["at"].is_string() || !i.contains("op"))
      throw InputError(fmt::format("{}.interleave: expected {{\"at\": point, \"nth\": n, \"op\": {{...}}}}", where));
    only_keys(i, where + ".interleave", {"at", "nth", "op"});
    auto at = kernel::parse_preempt_point(i["at"].get<std::string>());
    if (!at) throw InputError(fmt::format("{}.interleave.at: unknown interleaving point '{}'", where, i["at"].get<std::string>()));
    sim::Nested n{.at = *at, .op = op_from_json(i["op"], where + ".interleave.op")};
    if (i.contains("nth")) {
      if (!i["nth"].is_number_unsigned() || i["nth"].get<uint64_t>() == 0 || i["nth"].get<uint64_t>() > 1000)
        throw InputError(fmt::format("{}.interleave.nth must be a whole number from 1 to 1000", where));
      n.nth = i["nth"].get<uint32_t>();
    }
    if (!n.op.nested.empty()) throw InputError(fmt::format("{}.interleave.op: a nested operation cannot nest again", where));
    op.nested.push_back(std::move(n));
  }
  return op;
}

}  // namespace atslab::io
