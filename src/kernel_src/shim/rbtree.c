/*
 * Ours: the ordered tree behind the linux/rbtree.h stand-in. An unbalanced
 * binary search tree with parent links: the same ordering, lookup and
 * insertion results as the kernel's red-black tree, without rebalancing (the
 * SMMUv3 driver keeps a few dozen stream IDs in it).
 */
#include <linux/rbtree.h>

struct rb_node *rb_find(const void *key, const struct rb_root *tree,
			int (*cmp)(const void *key, const struct rb_node *))
{
	struct rb_node *node = tree->rb_node;

	while (node) {
		int c = cmp(key, node);

		if (c < 0)
			node = node->left;
		else if (c > 0)
			node = node->right;
		else
			return node;
	}
	return NULL;
}

struct rb_node *rb_find_add(struct rb_node *node, struct rb_root *tree,
			    int (*cmp)(struct rb_node *, const struct rb_node *))
{
	struct rb_node **link = &tree->rb_node, *parent = NULL;

	while (*link) {
		int c = cmp(node, *link);

		parent = *link;
		if (c < 0)
			link = &parent->left;
		else if (c > 0)
			link = &parent->right;
		else
			return parent;
	}
	node->parent = parent;
	node->left = node->right = NULL;
	*link = node;
	return NULL;
}

/* The link that points at `node`: its parent's left or right, or the root. */
static struct rb_node **link_of(struct rb_node *node, struct rb_root *root)
{
	if (!node->parent)
		return &root->rb_node;
	return node->parent->left == node ? &node->parent->left : &node->parent->right;
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *replacement;

	if (node->left && node->right) {
		/* Two children: the successor (leftmost of the right subtree) takes the node's place. */
		struct rb_node *succ = node->right;

		while (succ->left)
			succ = succ->left;
		if (succ != node->right) {
			*link_of(succ, root) = succ->right;
			if (succ->right)
				succ->right->parent = succ->parent;
			succ->right = node->right;
			node->right->parent = succ;
		}
		succ->left = node->left;
		node->left->parent = succ;
		replacement = succ;
	} else {
		replacement = node->left ? node->left : node->right;
	}
	*link_of(node, root) = replacement;
	if (replacement)
		replacement->parent = node->parent;
	node->parent = node->left = node->right = NULL;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->left)
		n = n->left;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	if (node->right) {
		node = node->right;
		while (node->left)
			node = node->left;
		return (struct rb_node *)node;
	}
	while (node->parent && node->parent->right == node)
		node = node->parent;
	return node->parent;
}
