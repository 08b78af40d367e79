/*
 * Stand-in for include/linux/rbtree.h: the ordered tree the SMMUv3 driver
 * keeps its streams in.
 * Routes to: an unbalanced binary search tree of ours
 * (src/kernel_src/shim/rbtree.c): the same ordering, lookups and insertion
 * results; no rebalancing (the trees hold a few dozen stream IDs).
 */
#ifndef ATSLAB_LINUX_RBTREE_H
#define ATSLAB_LINUX_RBTREE_H

#include <linux/container_of.h>
#include <linux/types.h>

struct rb_node {
	struct rb_node *parent;
	struct rb_node *left, *right;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT (struct rb_root) { NULL }
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) ((ptr) ? rb_entry(ptr, type, member) : NULL)
#define RB_EMPTY_ROOT(root) ((root)->rb_node == NULL)

/* The node comparing equal to `key`, or NULL. cmp(key, node) < 0: key sorts before node. */
struct rb_node *rb_find(const void *key, const struct rb_root *tree,
			int (*cmp)(const void *key, const struct rb_node *));
/* Inserts `node`, unless one comparing equal is there: then that one is returned and nothing changes. */
struct rb_node *rb_find_add(struct rb_node *node, struct rb_root *tree,
			    int (*cmp)(struct rb_node *, const struct rb_node *));
void rb_erase(struct rb_node *node, struct rb_root *root);
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);

#endif
