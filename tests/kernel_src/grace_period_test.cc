// kfree_rcu from the tree's code (linux/rcupdate.h stand-in): the object outlives the
// call that queued it, as a reader inside the same operation may still hold it, and is
// freed when the outermost call into the tree returns.
#include <gtest/gtest.h>

#include "kernel_src/heap.h"
#include "kernel_src/include/atslab/kernel_abi.h"
#include "kernel_src/kernel_call.h"
#include "linux/system.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(GracePeriod, KfreeRcuFreesWhenTheOutermostCallReturns) {
  System s;
  const size_t before = kernel_src::tree_heap_live();
  {
    kernel_src::KernelCall outer(s);
    void* old_invs = atslab_kmalloc(64, true);
    ASSERT_NE(old_invs, nullptr);
    {
      kernel_src::KernelCall inner(s);  // the tree calling back into atslab, which calls the tree again
      atslab_kfree_rcu(old_invs);
    }
    EXPECT_EQ(kernel_src::tree_heap_live(), before + 1) << "freed inside the operation that published the new array";
  }
  EXPECT_EQ(kernel_src::tree_heap_live(), before);
}

TEST(GracePeriod, KfreeRcuOfNullIsNothing) {
  System s;
  const size_t before = kernel_src::tree_heap_live();
  {
    kernel_src::KernelCall call(s);
    atslab_kfree_rcu(nullptr);
  }
  EXPECT_EQ(kernel_src::tree_heap_live(), before);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
