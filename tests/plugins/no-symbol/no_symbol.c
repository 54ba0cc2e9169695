/* SPDX-License-Identifier: BSD-2-Clause */
/* no_symbol.c - test plugin that exports no descriptor; the loader must refuse it. */

int no_symbol_marker(void);

/**
 * no_symbol_marker - an exported function, so the object is not empty.
 * Return: 42.
 */
int
no_symbol_marker(void)
{
	return 42;
}
