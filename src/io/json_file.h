#pragma once
// JSON input files (replay files, explore results): read strictly, so that a
// file that means something else than it seems is an error, not a quiet guess.
#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace atslab::io {

// Parses the JSON document in `path`, a regular file of at most `max_bytes`.
// Every error is an InputError "PATH:LINE:COL: ..." (or "PATH: ..." when no
// position applies): not valid JSON, a number out of range (1e400), a key given
// twice in one object (nlohmann would keep the last one silently).
// `what` names the kind of file in messages ("replay file").
nlohmann::json load_json_file(const std::string& path, const std::string& what, size_t max_bytes = size_t{64} << 20);

// Throws InputError "WHERE: unknown field 'K' (expected one of: ...)" for a key of
// object `o` that is not in `keys`: a misspelt optional field must not be ignored.
void only_keys(const nlohmann::json& o, const std::string& where, std::initializer_list<const char*> keys);
void only_keys(const nlohmann::json& o, const std::string& where, const std::vector<std::string>& keys);

}  // namespace atslab::io
