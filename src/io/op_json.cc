#include "io/op_json.h"

#include <fmt/format.h>

#include "io/input_error.h"
#include "io/json_file.h"
#include "linux/kernel/fault_inject.h"
#include "sim/stress.h"

namespace atslab::io {

nlohmann::json op_to_json(const sim::Op& op) {
  nlohmann::json j = {{"op", sim::op_name(op.kind)}, {"device", op.device}, {"container", op.container},
                      {"driver", op.driver}, {"count", op.count}};
  if (op.kind == sim::OpKind::DeviceDma || op.kind == sim::OpKind::AtsTranslate || op.kind == sim::OpKind::VfioUnmap) {
    j["iova"] = op.iova;
    j["write"] = op.write;
  }
  if (op.kind == sim::OpKind::GroupSetType) j["type"] = op.type;
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
  // What op_to_json writes, and nothing else: a misspelt "devcie" must not run with no device.
  only_keys(o, where, {"op", "device", "container", "driver", "count", "iova", "write", "fault", "interleave"});
  sim::Op op;
  auto kind = sim::parse_op_name(o["op"].get<std::string>());
  if (!kind) throw InputError(fmt::format("{}: unknown operation '{}'", where, o["op"].get<std::string>()));
  op.kind = *kind;
  auto str = [&](const char* key, std::string& out) {
    if (!o.contains(key)) return;
    if (!o[key].is_string()) throw InputError(fmt::format("{}.{} must be a string", where, key));
    out = o[key].get<std::string>();
  };
  str("device", op.device);
  str("container", op.container);
  str("driver", op.driver);
  str("fault", op.fault);
  str("type", op.type);
  if (op.kind == sim::OpKind::GroupSetType && !sim::is_group_type(op.type))
    throw InputError(fmt::format("{}.type: expected identity, DMA or auto", where));
  if (!op.fault.empty() && !faults::parse_point(op.fault))
    throw InputError(fmt::format("{}.fault: unknown fault point '{}'", where, op.fault));
  if (o.contains("count")) {
    if (!o["count"].is_number_unsigned() || o["count"].get<uint64_t>() > 1000000)
      throw InputError(fmt::format("{}.count must be a whole number up to 1000000", where));
    op.count = o["count"].get<uint32_t>();
  }
  if (o.contains("iova")) {
    if (!o["iova"].is_number_unsigned()) throw InputError(fmt::format("{}.iova must be a whole number", where));
    op.iova = o["iova"].get<uint64_t>();
  }
  if (o.contains("write")) {
    if (!o["write"].is_boolean()) throw InputError(fmt::format("{}.write must be true or false", where));
    op.write = o["write"].get<bool>();
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
