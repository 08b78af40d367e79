// base::CowVector: the kernel's object tables share storage between copies of the System until
// one of them writes. Copies must behave as independent values (a write never shows in another
// copy, equality follows contents), and a copy must not copy chunks nobody wrote.
#include "base/cow_vector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace atslab::base {
namespace ATSLAB_UNITY_ID {
namespace {

using Table = CowVector<std::string, 4>;  // small chunks: every test crosses chunk boundaries

Table numbered(int n) {
  Table t;
  for (int i = 0; i < n; ++i) t.push_back("obj" + std::to_string(i));
  return t;
}

TEST(CowVector, ACopyIsAnIndependentValue) {
  Table a = numbered(10);
  Table b = a;
  EXPECT_EQ(a, b);
  b[5] = "changed";
  b.push_back("obj10");
  EXPECT_EQ(a[5], "obj5");
  EXPECT_EQ(a.size(), 10u);
  EXPECT_EQ(b[5], "changed");
  EXPECT_EQ(b.size(), 11u);
  EXPECT_NE(a, b);
  // And the other way: the original's writes do not reach the copy.
  Table c = a;
  a[0] = "first";
  EXPECT_EQ(c[0], "obj0");
}

TEST(CowVector, ACopySharesTheChunksNeitherSideWrote) {
  Table a = numbered(12);  // chunks [0,4) [4,8) [8,12)
  const Table b = a;
  EXPECT_EQ(&std::as_const(a)[1], &b[1]) << "a copy copies no element";
  a[9] = "written";  // a takes its own copy of the third chunk only
  EXPECT_EQ(&std::as_const(a)[1], &b[1]);
  EXPECT_EQ(&std::as_const(a)[5], &b[5]);
  EXPECT_NE(&std::as_const(a)[9], &b[9]);
  EXPECT_NE(&std::as_const(a)[8], &b[8]) << "the written element's whole chunk";
  EXPECT_EQ(b[9], "obj9");
}

TEST(CowVector, EqualityFollowsContentsNotSharing) {
  Table a = numbered(9), b = numbered(9);  // built apart: nothing shared
  EXPECT_EQ(a, b);
  Table c = a;
  c[2] = "x";
  c[2] = "obj2";  // back to a's contents in a chunk of its own
  EXPECT_EQ(a, c);
  c.pop_back();
  EXPECT_NE(a, c);
  EXPECT_NE(a, numbered(8));
  EXPECT_EQ(numbered(8), c);
}

TEST(CowVector, BehavesAsAVectorAcrossChunkBoundaries) {
  Table t;
  std::vector<std::string> v;
  for (int i = 0; i < 13; ++i) {
    t.push_back(std::to_string(i));
    v.push_back(std::to_string(i));
  }
  t.resize(6);
  v.resize(6);
  t.resize(9, "fill");
  v.resize(9, "fill");
  t.pop_back();
  v.pop_back();
  EXPECT_TRUE(std::equal(t.begin(), t.end(), v.begin(), v.end()));
  EXPECT_EQ(t.back(), v.back());
  EXPECT_EQ(t.end() - t.begin(), 8);
  EXPECT_EQ(std::find(t.begin(), t.end(), "4") - t.begin(), 4);
  EXPECT_THROW((void)t.at(8), std::out_of_range);
  for (auto& x : t) x += "!";  // writing through non-const iterators
  EXPECT_EQ(t[7], "fill!");
  t.clear();
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t, Table{});
}

TEST(CowVector, WritingThroughAnIteratorOfACopyLeavesTheOriginalAlone) {
  const Table a = numbered(7);
  Table b = a;
  for (auto it = b.begin(); it != b.end(); ++it) *it = "w";
  EXPECT_EQ(a, numbered(7));
  EXPECT_EQ(std::count(b.begin(), b.end(), "w"), 7);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::base
