/*
 * Copyright 2011 Free Software Foundation, Inc.
 *
 * Export macro for the gr-ecdisc block library.
 * This file is a part of gr-ecdisc
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 */

#ifndef INCLUDED_ECDISC_API_H
#define INCLUDED_ECDISC_API_H

#include <gnuradio/attributes.h>

#ifdef gnuradio_ecdisc_EXPORTS
#define ECDISC_API __GR_ATTR_EXPORT
#else
#define ECDISC_API __GR_ATTR_IMPORT
#endif

#endif /* INCLUDED_ECDISC_API_H */
