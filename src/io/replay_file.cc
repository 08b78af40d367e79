#include "io/replay_file.h"

#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/input_error.h"
#include "sim/stress.h"

namespace atslab::io {

ReplayFile load_replay(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("{}: cannot open replay file", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(fmt::format("{}: not valid JSON at byte {}", path, e.byte));
  }
  auto need = [&](const char* key, nlohmann::json::value_t t) -> const nlohmann::json& {
    if (!j.is_object() || !j.contains(key) || j[key].type() != t)
      throw InputError(fmt::format("{}: field '{}' missing or of the wrong type", path, key));
    return j[key];
  };
  ReplayFile r;
  r.scenario = need("scenario", nlohmann::json::value_t::string).get<std::string>();
  auto v = policy::parse_variant(need("variant", nlohmann::json::value_t::string).get<std::string>());
  if (!v) throw InputError(fmt::format("{}: field 'variant': unknown variant", path));
  r.variant = *v;
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) throw InputError(fmt::format("{}: field 'seed' must be a whole number", path));
    r.seed = j["seed"].get<uint64_t>();
  }
  if (j.contains("faults")) {
    if (!j["faults"].is_string()) throw InputError(fmt::format("{}: field 'faults' must be a string", path));
    r.faults = j["faults"].get<std::string>();
  }
  const auto& ops = need("ops", nlohmann::json::value_t::array);
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto& o = ops[i];
    if (!o.is_object() || !o.contains("op") || !o["op"].is_string())
      throw InputError(fmt::format("{}: ops[{}]: expected an object with an 'op' string", path, i));
    sim::Op op;
    bool known = false;
    for (int k = 0; k <= static_cast<int>(sim::kLastOpKind); ++k)
      if (o["op"] == sim::op_name(static_cast<sim::OpKind>(k))) {
        op.kind = static_cast<sim::OpKind>(k);
        known = true;
      }
    if (!known) throw InputError(fmt::format("{}: ops[{}]: unknown operation '{}'", path, i, o["op"].get<std::string>()));
    auto str = [&](const char* key, std::string& out) {
      if (!o.contains(key)) return;
      if (!o[key].is_string()) throw InputError(fmt::format("{}: ops[{}].{} must be a string", path, i, key));
      out = o[key].get<std::string>();
    };
    str("device", op.device);
    str("container", op.container);
    str("driver", op.driver);
    if (o.contains("count")) {
      if (!o["count"].is_number_unsigned() || o["count"].get<uint64_t>() > 1000000)
        throw InputError(fmt::format("{}: ops[{}].count must be a whole number up to 1000000", path, i));
      op.count = o["count"].get<uint32_t>();
    }
    if (o.contains("iova")) {
      if (!o["iova"].is_number_unsigned()) throw InputError(fmt::format("{}: ops[{}].iova must be a whole number", path, i));
      op.iova = o["iova"].get<uint64_t>();
    }
    if (o.contains("write")) {
      if (!o["write"].is_boolean()) throw InputError(fmt::format("{}: ops[{}].write must be true or false", path, i));
      op.write = o["write"].get<bool>();
    }
    r.ops.push_back(op);
  }
  return r;
}

}  // namespace atslab::io
