#include "io/replay_file.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/input_error.h"
#include "io/json_file.h"
#include "io/op_json.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"
#include "sim/op_kinds.h"

namespace atslab::io {

ReplayFile load_replay(const std::string& path) {
  nlohmann::json j = load_json_file(path, "replay file");
  if (!j.is_object()) throw InputError(fmt::format("{}: expected a JSON object with scenario, variant, ops", path));
  only_keys(j, path, {"scenario", "variant", "seed", "faults", "driver", "ops"});
  auto need = [&](const char* key, nlohmann::json::value_t t) -> const nlohmann::json& {
    if (!j.contains(key) || j[key].type() != t)
      throw InputError(fmt::format("{}: field '{}' missing or of the wrong type", path, key));
    return j[key];
  };
  ReplayFile r;
  r.scenario = need("scenario", nlohmann::json::value_t::string).get<std::string>();
  if (r.scenario.empty()) throw InputError(fmt::format("{}: field 'scenario' is empty", path));
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
    try {
      faults::parse_plan(r.faults);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: field 'faults': {}", path, e.what()));
    }
  }
  if (j.contains("driver")) {
    auto d = j["driver"].is_string() ? policy::parse_driver(j["driver"].get<std::string>()) : std::nullopt;
    if (!d) throw InputError(fmt::format("{}: field 'driver': expected model or source", path));
    r.driver = *d;
  }
  const auto& ops = need("ops", nlohmann::json::value_t::array);
  // The scenarios' bound (sim::kMaxWorkloadOps), so that no replay file runs for hours.
  // Every operation costs at least one (sim::op_cost): a longer list is refused before it is read.
  auto too_many = [&](size_t i) {
    return InputError(fmt::format("{}: ops[{}]: the replay asks for more than {} operations in all (map/unmap pairs and "
                                  "DMA-API pages count one each)",
                                  path, i, sim::kMaxWorkloadOps));
  };
  if (ops.size() > sim::kMaxWorkloadOps) throw too_many(sim::kMaxWorkloadOps);
  uint64_t total = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    r.ops.push_back(op_from_json(ops[i], fmt::format("{}: ops[{}]", path, i)));
    total += sim::op_cost(r.ops.back());
    if (total > sim::kMaxWorkloadOps) throw too_many(i);
  }
  return r;
}

}  // namespace atslab::io
