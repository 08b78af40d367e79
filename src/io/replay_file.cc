#include "io/replay_file.h"

#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/input_error.h"
#include "io/op_json.h"

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
  for (size_t i = 0; i < ops.size(); ++i) r.ops.push_back(op_from_json(ops[i], fmt::format("{}: ops[{}]", path, i)));
  return r;
}

}  // namespace atslab::io
