#pragma once
// A canonical form for exploration: forgets the parts of a System that cannot
// influence its future, so that the explorer's hash sees two states that will
// behave identically as one. Each item below says why it is unobservable.
// Not used by runs that report statistics (stress, scenarios): it clears them.
namespace atslab {
struct System;
}

namespace atslab::sim {

void canonicalize(System& s);

}  // namespace atslab::sim
