#pragma once
// Workload operations as JSON: the one encoding replay files, stress and
// explore results share.
#include <nlohmann/json.hpp>
#include <string>

#include "sim/ops.h"

namespace atslab::io {

nlohmann::json op_to_json(const sim::Op& op);
// `where` names the place in the input ("run.json: ops[3]") for errors,
// which are atslab::InputError.
sim::Op op_from_json(const nlohmann::json& o, const std::string& where);

}  // namespace atslab::io
