#pragma once
// What each operation kind is called and which fields of an Op it reads: one
// table, so that the replay writer and reader (io/op_json) and the scenario
// loader (io/scenario) cannot drift apart (a writer that wrote a field its
// reader did not take once made 15% of stress replay files unreadable).
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sim/ops.h"

namespace atslab::sim {

// The Op members a kind may read, by the name files give them.
enum class OpField : uint8_t { Device, Container, Driver, Count, Iova, Write, Type, Hwpt, Pasid, NestParent, Viommu, Vsid, Cfg, Eats, Mm,
                                PasidCompat, Methods };

std::string_view field_name(OpField f);

const char* op_name(OpKind k);
std::optional<OpKind> parse_op_name(std::string_view name);
// Every kind's name, comma-separated, for messages.
std::string op_names();

// The fields `k` reads, in the order files list them. A file giving another field is refused.
std::span<const OpField> op_fields(OpKind k);
bool uses(OpKind k, OpField f);

// The largest `count` the kind takes: what `echo N > sriov_numvfs` parses (a u16), or the
// bound on one step's loop.
uint32_t max_count(OpKind k);

// A bound on everything a workload or replay file asks for, so that no file makes a run that
// never ends: map/unmap pairs and DMA-API pages count one each, every other step one, and an
// operation another CPU runs inside one counts too.
inline constexpr uint64_t kMaxWorkloadOps = 1'000'000;
uint64_t op_cost(const Op& op);

// A nesting operation: a vIOMMU, vDEVICE, nested HWPT or guest invalidation, or a nest-parent HWPT.
bool is_nesting(const Op& op);

}  // namespace atslab::sim
