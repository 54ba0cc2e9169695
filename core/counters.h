/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * counters.h - descriptor tables for structs of uint64_t counters built from X-macro lists.
 *
 * A role lists its counters once as X(member, state name, description),
 * generates its counter struct from that list, and defines its table function
 * with PMIP_COUNTER_TABLE(); state readers then iterate over the rows and read
 * each value with pmip_counter_value() instead of naming fields.
 */
#ifndef PMIP_COUNTERS_H
#define PMIP_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct pmip_counter_desc - description of one uint64_t member of a counter struct.
 * @name: state name ("haRegistrationAccepted").
 * @descr: one-line description.
 * @offset: offsetof() the member in its struct.
 */
struct pmip_counter_desc {
	const char *name;
	const char *descr;
	size_t offset;
};

/**
 * pmip_counter_value - value of the counter described by @d.
 * @counters: the counter struct that @d describes a member of.
 * @d: a row of that struct's descriptor table.
 *
 * Return: the counter.
 */
static inline uint64_t
pmip_counter_value(const void *counters, const struct pmip_counter_desc *d)
{
	return *(const uint64_t *)((const char *)counters + d->offset);
}

/* PMIP_COUNTER_MEMBER - X() for a counter list that declares the struct's members. */
#define PMIP_COUNTER_MEMBER(m, name, descr) uint64_t m;

/*
 * PMIP_COUNTER_TABLE(fn, list, type) defines
 * "const struct pmip_counter_desc *fn(size_t *n)", which returns a static
 * table with one row per entry of the X-macro @list, in order, describing the
 * members of @type, and stores the number of rows in *n.
 */
#define PMIP_COUNTER_TABLE(fn, list, type)                                                  \
	const struct pmip_counter_desc *fn(size_t *n)                                       \
	{                                                                                   \
		typedef type pmip_counter_struct;                                           \
		static const struct pmip_counter_desc rows[] = { list(PMIP_COUNTER_DESC) }; \
                                                                                            \
		*n = sizeof(rows) / sizeof(rows[0]);                                        \
		return rows;                                                                \
	}

/* One table row; expanded by @list inside PMIP_COUNTER_TABLE(), where the struct is in scope. */
#define PMIP_COUNTER_DESC(m, name, descr) { name, descr, offsetof(pmip_counter_struct, m) },

#endif /* PMIP_COUNTERS_H */
