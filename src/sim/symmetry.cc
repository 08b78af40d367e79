#include "sim/symmetry.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "sim/explore_node.h"
#include "sim/op_kinds.h"
#include "sim/state_hash.h"

namespace atslab::sim {

namespace {

void swap_name(std::string& name, const Symmetry& sym) {
  if (name == sym.a) name = sym.b;
  else if (name == sym.b) name = sym.a;
}

// The operations that read Op::container (the others carry the default, unread): op_kinds' table.
bool names_container(OpKind k) { return uses(k, OpField::Container); }

bool identity(const std::vector<vfio::ContainerId>& to) {
  for (size_t i = 0; i < to.size(); ++i)
    if (to[i] != i) return false;
  return true;
}

}  // namespace

Symmetry symmetry_of(const std::vector<Op>& alphabet, const faults::Injector& plan) {
  // A rule limited to a step reads the operation's description, which names its container.
  for (const auto& r : plan.rules)
    if (!r.step.empty()) return {};
  Symmetry sym{"c0", "c1"};
  // Every operation's twin is in the alphabet (as a set: the order of trying them does not
  // matter to what is reached, only to which of two equal traces is reported).
  bool names_either = false;
  for (const Op& op : alphabet) {
    names_either |= names_container(op.kind) && (op.container == sym.a || op.container == sym.b);
    if (std::find(alphabet.begin(), alphabet.end(), swap_names(op, sym)) == alphabet.end()) return {};
  }
  return names_either ? sym : Symmetry{};
}

Op swap_names(const Op& op, const Symmetry& sym) {
  Op r = op;
  if (!sym.any()) return r;
  if (names_container(r.kind)) swap_name(r.container, sym);
  for (auto& n : r.nested) n.op = swap_names(n.op, sym);
  return r;
}

void swap_names(OpContext& ctx, const Symmetry& sym) {
  if (!sym.any()) return;
  auto a = ctx.containers.extract(sym.a), b = ctx.containers.extract(sym.b);
  if (!a.empty()) a.key() = sym.b, ctx.containers.insert(std::move(a));
  if (!b.empty()) b.key() = sym.a, ctx.containers.insert(std::move(b));
}

void permute_containers(System& s, OpContext& ctx, const std::vector<vfio::ContainerId>& to) {
  auto& v = s.kernel.vfio;
  if (identity(to)) return;
  if (to.size() > v.containers.size()) throw std::logic_error("permute_containers: more slots than containers");
  std::vector<vfio::Container> moved(v.containers.size());
  // Slots past `to` (opened since it was made) keep their numbers.
  for (size_t i = 0; i < v.containers.size(); ++i) moved[i < to.size() ? to[i] : i] = std::move(v.containers[i]);
  v.containers = std::move(moved);
  // The only references to a container in the kernel: the vfio_groups set into it.
  for (size_t g = 0; g < v.groups.size(); ++g) {
    const vfio::ContainerId c = std::as_const(v.groups)[g].container;
    if (c != vfio::kNone && c < to.size()) v.groups[g].container = to[c];
  }
  for (auto& [name, id] : ctx.containers)
    if (id < to.size()) id = to[id];
}

std::vector<vfio::ContainerId> containers_by_name(const System& s, const OpContext& ctx) {
  std::vector<vfio::ContainerId> to(s.kernel.vfio.containers.size());
  std::iota(to.begin(), to.end(), 0);
  // The slots the names hold, ascending, dealt to the names in their (the map's) order.
  std::vector<vfio::ContainerId> slots;
  for (const auto& [name, id] : ctx.containers)
    if (id < to.size()) slots.push_back(id);
  std::vector<vfio::ContainerId> sorted = slots;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return to;  // two names, one slot: leave it
  for (size_t i = 0; i < slots.size(); ++i) to[slots[i]] = sorted[i];
  return to;
}

SymmetricHash symmetric_hash(const Node& n, const Symmetry& sym) {
  // Each image's hash without making it: the rest of the state hashed once, the containers and
  // the runner's context under each renaming (state_hash.h).
  const uint64_t rest = state_hash_rest(n.s);
  auto image = [&](OpContext ctx, const std::vector<vfio::ContainerId>& to) {
    for (auto& [name, id] : ctx.containers)
      if (id < to.size()) id = to[id];
    return node_hash(combine_state_hash(rest, containers_hash(n.s, to)), context_hash(ctx));
  };
  const uint64_t best = image(n.ctx, containers_by_name(n.s, n.ctx));
  if (!sym.any()) return {best, false};
  OpContext swapped = n.ctx;
  swap_names(swapped, sym);
  const auto to = containers_by_name(n.s, swapped);
  const uint64_t h = image(std::move(swapped), to);
  return {std::min(best, h), h < best};
}

}  // namespace atslab::sim
