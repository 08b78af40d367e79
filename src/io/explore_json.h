#pragma once
// `atslab explore` results as JSON, and the merge of sharded runs.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/scenario.h"
#include "sim/explore.h"

namespace atslab::io {

nlohmann::json explore_to_json(const Scenario& sc, const sim::ExploreResult& r);

// More shards than this is a typo, not a plan (and a merge names the missing ones).
inline constexpr unsigned kMaxShards = 65536;

// "K/N" with 0 <= K < N <= kMaxShards, plain decimal numbers, as --shard takes it and results record it.
std::optional<std::pair<unsigned, unsigned>> parse_shard(const std::string& s);

// Combines the JSON documents of the shards of one search (each {"results": [...]})
// into one: counts summed, each invariant's shortest trace kept, exhausted only if
// every shard was. Throws InputError (naming the file) when a document is not an
// explore result, scenarios or depths differ, or a shard is missing or repeated.
nlohmann::json merge_explore(const std::vector<std::string>& paths);

}  // namespace atslab::io
