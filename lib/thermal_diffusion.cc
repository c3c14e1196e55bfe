/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "thermal_diffusion.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ecdisc {

namespace {

constexpr double pi = 3.14159265358979323846;

std::string num(double v)
{
    std::ostringstream os;
    os << v;
    return os.str();
}

void check_medium(const thermal_medium& m)
{
    if (!(m.conductivity_w_mk > 0) || !std::isfinite(m.conductivity_w_mk))
        throw std::invalid_argument("conductivity_w_mk = " + num(m.conductivity_w_mk) +
                                    ": must be > 0 and finite");
    if (!(m.diffusivity_m2_s > 0) || !std::isfinite(m.diffusivity_m2_s))
        throw std::invalid_argument("diffusivity_m2_s = " + num(m.diffusivity_m2_s) +
                                    ": must be > 0 and finite");
    if (!(m.velocity_m_s >= 0) || !std::isfinite(m.velocity_m_s))
        throw std::invalid_argument("velocity_m_s = " + num(m.velocity_m_s) +
                                    ": must be >= 0 and finite");
    if (std::isinf(m.insulated_plane_z_m))
        throw std::invalid_argument(
            "insulated_plane_z_m = " + num(m.insulated_plane_z_m) +
            ": must be finite, or NaN for none");
}

void check_quadrature(const thermal_quadrature& q)
{
    if (!(q.rel_tol >= 0) || !(q.rel_tol < 1))
        throw std::invalid_argument("rel_tol = " + num(q.rel_tol) +
                                    ": must be in [0, 1)");
    if (q.panels < 1 || q.panels > 10000)
        throw std::invalid_argument("panels = " + std::to_string(q.panels) +
                                    ": must be in 1..10000");
    if (q.max_panels < q.panels || q.max_panels > 100000)
        throw std::invalid_argument("max_panels = " + std::to_string(q.max_panels) +
                                    ": must be in panels..100000");
}

// 15-point Gauss-Kronrod rule (QUADPACK qk15): Kronrod nodes, Kronrod and
// embedded 7-point Gauss weights.
const double xgk[8] = {
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.000000000000000000000000000000000
};
const double wgk[8] = {
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714
};
const double wg[4] = { 0.129484966168869693270611432679082,
                       0.279705391489276667901467771423780,
                       0.381830050505118944950369775488975,
                       0.417959183673469387755102040816327 };

struct segment {
    double a, b, val, err;
};

template <typename F>
segment gk15(const F& f, double a, double b)
{
    const double c = 0.5 * (a + b);
    const double h = 0.5 * (b - a);
    const double fc = f(c);
    double rk = fc * wgk[7];
    double rg = fc * wg[3];
    for (int j = 0; j < 7; ++j) {
        const double dx = h * xgk[j];
        const double f1 = f(c - dx);
        const double f2 = f(c + dx);
        rk += wgk[j] * (f1 + f2);
        if (j % 2 == 1)
            rg += wg[j / 2] * (f1 + f2);
    }
    return { a, b, rk * h, std::abs((rk - rg) * h) };
}

/* Integral of f over the panels between consecutive edges, each split into
 * q.panels equal panels; then (rel_tol > 0) the panel with the largest error
 * estimate is halved until the summed estimate is below rel_tol |sum|. */
template <typename F>
double
integrate(const F& f, const std::vector<double>& edges, const thermal_quadrature& q)
{
    std::vector<segment> segs;
    segs.reserve(static_cast<size_t>(q.max_panels) + edges.size() * q.panels + 2);
    for (size_t e = 0; e + 1 < edges.size(); ++e) {
        const double a = edges[e], b = edges[e + 1];
        if (!(b > a))
            continue;
        for (int i = 0; i < q.panels; ++i)
            segs.push_back(
                gk15(f, a + (b - a) * i / q.panels, a + (b - a) * (i + 1) / q.panels));
    }
    auto totals = [&segs](double& val, double& err) {
        val = 0;
        err = 0;
        for (const auto& s : segs) {
            val += s.val;
            err += s.err;
        }
    };
    double val, err;
    totals(val, err);
    if (q.rel_tol <= 0)
        return val;
    while (err > q.rel_tol * std::abs(val) &&
           static_cast<int>(segs.size()) < q.max_panels) {
        auto worst = std::max_element(
            segs.begin(), segs.end(), [](const segment& s1, const segment& s2) {
                return s1.err < s2.err;
            });
        const double a = worst->a, b = worst->b, c = 0.5 * (a + b);
        if (!(c > a && c < b))
            break;
        *worst = gk15(f, a, c);
        segs.push_back(gk15(f, c, b));
        totals(val, err);
    }
    return val;
}

} // namespace

double
moving_point_rise(double power_w, double x, double y, double z, const thermal_medium& m)
{
    check_medium(m);
    const double a = m.velocity_m_s / (2 * m.diffusivity_m2_s);
    auto one = [&](double zz) {
        const double r = std::sqrt(x * x + y * y + zz * zz);
        if (r == 0)
            return std::numeric_limits<double>::infinity();
        // R + x without cancellation behind the source (x ~ -R)
        const double rx = x >= 0 ? r + x : (y * y + zz * zz) / (r - x);
        return power_w / (4 * pi * m.conductivity_w_mk * r) * std::exp(-a * rx);
    };
    double t = one(z);
    if (!std::isnan(m.insulated_plane_z_m))
        t += one(z - 2 * m.insulated_plane_z_m);
    return t;
}

double planar_source_rise(const planar_source& s,
                          double x,
                          double y,
                          double z,
                          const thermal_medium& m,
                          const thermal_quadrature& q)
{
    check_medium(m);
    check_quadrature(q);
    if (!(s.radius_m > 0) || !std::isfinite(s.radius_m))
        throw std::invalid_argument("radius_m = " + num(s.radius_m) +
                                    ": must be > 0 and finite");
    if (!(s.power_w >= 0) || !std::isfinite(s.power_w))
        throw std::invalid_argument("power_w = " + num(s.power_w) +
                                    ": must be >= 0 and finite");
    if (s.power_w == 0)
        return 0;

    const bool gauss = s.shape == source_shape::gaussian;
    const double sig = s.radius_m;
    const double support = gauss ? 7 * sig : sig;
    const double dens0 =
        gauss ? s.power_w / (2 * pi * sig * sig) : s.power_w / (pi * sig * sig);
    const double inv2s2 = 1 / (2 * sig * sig);
    const double a = m.velocity_m_s / (2 * m.diffusivity_m2_s);
    const double px = x - s.x0_m, py = y - s.y0_m;
    const double dist = std::hypot(px, py);
    const double dz = z - s.z0_m;
    const bool image = !std::isnan(m.insulated_plane_z_m);
    const double dz_img = image ? z - (2 * m.insulated_plane_z_m - s.z0_m) : 0;

    // exp(-a (R + r cos phi)) r/R for one source plane, R + r cos phi written
    // as dz^2/(R + r) + 2 r cos^2(phi/2) (no cancellation in the wake)
    auto kern = [a](double r, double dzz, double c2sq) {
        const double rr = std::sqrt(r * r + dzz * dzz);
        if (rr == 0)
            return 1.0;
        const double e = dzz * dzz / (rr + r) + 2 * r * c2sq;
        return r / rr * std::exp(-a * e);
    };

    // integral over r along the ray phi (source point = p - r u)
    auto ray = [&](double phi) {
        const double ux = std::cos(phi), uy = std::sin(phi);
        const double c2 = std::cos(0.5 * phi);
        const double c2sq = c2 * c2;
        const double b = px * ux + py * uy;
        const double disc = b * b - dist * dist + support * support;
        if (disc <= 0)
            return 0.0;
        const double sq = std::sqrt(disc);
        const double r1 = std::max(0.0, b - sq);
        const double r2 = b + sq;
        if (!(r2 > r1))
            return 0.0;
        const double len = r2 - r1;
        // decay rate of the kernel along the ray at r1: a dE/dr
        const double rr1 = std::sqrt(r1 * r1 + dz * dz);
        const double slope =
            rr1 > 0 ? -dz * dz / (rr1 * (rr1 + r1)) + 2 * c2sq : 2 * c2sq;
        const double lam = a * std::max(0.0, slope);
        const bool mapped = lam * len > 1e-6;
        const double cmap = mapped ? -std::expm1(-lam * len) : 0;
        auto f = [&](double t) {
            double r, jac;
            if (mapped) {
                r = r1 - std::log1p(-t * cmap) / lam;
                jac = cmap / (lam * (1 - t * cmap));
            } else {
                r = r1 + t * len;
                jac = len;
            }
            const double sx = px - r * ux, sy = py - r * uy;
            const double dens =
                gauss ? dens0 * std::exp(-(sx * sx + sy * sy) * inv2s2) : dens0;
            double k = kern(r, dz, c2sq);
            if (image)
                k += kern(r, dz_img, c2sq);
            return dens * k * jac;
        };
        return integrate(f, { 0.0, 1.0 }, q);
    };

    double total;
    if (dist < support) {
        // whole circle, nodes crowded towards the wake direction phi = pi
        double psi0 = a > 0 ? std::sqrt(2 / (a * support)) : 1e3;
        psi0 = std::min(1e3, std::max(1e-9, psi0));
        const double tmax = std::atan(pi / psi0);
        auto g = [&](double th) {
            const double tn = std::tan(th);
            return ray(pi + psi0 * tn) * psi0 * (1 + tn * tn);
        };
        total = integrate(g, { -tmax, tmax }, q);
    } else {
        // the cone that sees the support circle: phi = phic + beta sin(theta)
        const double beta = std::asin(std::min(1.0, support / dist));
        const double phic = std::atan2(py, px);
        auto g = [&](double th) {
            return ray(phic + beta * std::sin(th)) * beta * std::cos(th);
        };
        std::vector<double> edges{ -pi / 2, pi / 2 };
        const double delta = std::remainder(pi - phic, 2 * pi);
        if (std::abs(delta) < beta)
            edges = { -pi / 2, std::asin(delta / beta), pi / 2 };
        total = integrate(g, edges, q);
    }
    return total / (4 * pi * m.conductivity_w_mk);
}

thermal_profile planar_source_profile(const planar_source& s,
                                      double z,
                                      const thermal_medium& m,
                                      const thermal_quadrature& q)
{
    check_medium(m);
    check_quadrature(q);
    if (!(s.radius_m > 0))
        throw std::invalid_argument("radius_m = " + num(s.radius_m) + ": must be > 0");
    const double support =
        s.shape == source_shape::gaussian ? 7 * s.radius_m : s.radius_m;
    const double a = m.velocity_m_s / (2 * m.diffusivity_m2_s);
    const double dz = std::abs(z - s.z0_m);
    auto temp = [&](double x, double y) { return planar_source_rise(s, x, y, z, m, q); };
    const double y0 = s.y0_m;

    // scan along the track, ahead to far behind
    std::vector<double> xs;
    for (int i = 0; i <= 30; ++i)
        xs.push_back(s.x0_m + support * (1.0 - 0.1 * i));
    const double far = std::max(4 * support, 20 * a * dz * dz / 2);
    for (double d = 2 * support * 1.2; d <= far; d *= 1.2)
        xs.push_back(s.x0_m - d);
    std::vector<double> ts(xs.size());
    size_t best = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
        ts[i] = temp(xs[i], y0);
        if (ts[i] > ts[best])
            best = i;
    }
    // golden section on the bracket around the best scan point
    double lo = xs[std::min(best + 1, xs.size() - 1)];
    double hi = xs[best > 0 ? best - 1 : 0];
    double xpk = xs[best], tpk = ts[best];
    if (hi > lo) {
        const double gr = 0.5 * (std::sqrt(5.0) - 1);
        double c = hi - gr * (hi - lo), d = lo + gr * (hi - lo);
        double fc = temp(c, y0), fd = temp(d, y0);
        for (int it = 0; it < 60 && (hi - lo) > 1e-6 * (std::abs(xpk - s.x0_m) + support);
             ++it) {
            // lo < c < d < hi
            if (fc > fd) {
                hi = d;
                d = c;
                fd = fc;
                c = hi - gr * (hi - lo);
                fc = temp(c, y0);
            } else {
                lo = c;
                c = d;
                fc = fd;
                d = lo + gr * (hi - lo);
                fd = temp(d, y0);
            }
        }
        for (auto [xx, tt] : { std::pair<double, double>{ c, fc }, { d, fd } })
            if (tt > tpk) {
                tpk = tt;
                xpk = xx;
            }
    }

    thermal_profile p;
    p.peak_k = tpk;
    p.lag_m = s.x0_m - xpk;
    if (!(tpk > 0))
        return p;
    const double target = tpk * std::exp(-0.5);
    auto drop = [&](double ddx, double ddy) {
        double lo_t = 0, hi_t = support / 8;
        int n = 0;
        while (temp(xpk + ddx * hi_t, y0 + ddy * hi_t) > target && n++ < 80) {
            lo_t = hi_t;
            hi_t *= 2;
        }
        for (int it = 0; it < 50 && hi_t - lo_t > 1e-5 * hi_t; ++it) {
            const double mid = 0.5 * (lo_t + hi_t);
            if (temp(xpk + ddx * mid, y0 + ddy * mid) > target)
                lo_t = mid;
            else
                hi_t = mid;
        }
        return 0.5 * (lo_t + hi_t);
    };
    p.sigma_front_m = drop(1, 0);
    p.sigma_back_m = drop(-1, 0);
    p.sigma_along_m = 0.5 * (p.sigma_front_m + p.sigma_back_m);
    p.sigma_across_m = drop(0, 1);
    return p;
}

stack_heating
stack_heating_per_mw(const thermal_stack& st, int focus, const thermal_quadrature& q)
{
    const size_t n = st.absorptance.size();
    if (n == 0)
        throw std::invalid_argument("absorptance: must have one entry per layer (>= 1)");
    if (st.transmittance.size() != n)
        throw std::invalid_argument(
            "transmittance: " + std::to_string(st.transmittance.size()) +
            " entries, must equal the " + std::to_string(n) + " layers");
    if (st.spacers_m.size() + 1 < n)
        throw std::invalid_argument("spacers_m: " + std::to_string(st.spacers_m.size()) +
                                    " entries, need at least " + std::to_string(n - 1));
    for (size_t i = 0; i < n; ++i) {
        if (!(st.absorptance[i] >= 0 && st.absorptance[i] <= 1))
            throw std::invalid_argument("absorptance[" + std::to_string(i) + "] = " +
                                        num(st.absorptance[i]) + ": must be in [0, 1]");
        if (!(st.transmittance[i] >= 0 && st.transmittance[i] <= 1))
            throw std::invalid_argument("transmittance[" + std::to_string(i) + "] = " +
                                        num(st.transmittance[i]) + ": must be in [0, 1]");
        if (i + 1 < n && !(st.spacers_m[i] > 0 && std::isfinite(st.spacers_m[i])))
            throw std::invalid_argument("spacers_m[" + std::to_string(i) +
                                        "] = " + num(st.spacers_m[i]) + ": must be > 0");
    }
    if (!(st.wavelength_m > 0))
        throw std::invalid_argument("wavelength_m = " + num(st.wavelength_m) +
                                    ": must be > 0");
    if (!(st.index >= 1))
        throw std::invalid_argument("index = " + num(st.index) + ": must be >= 1");
    if (!(st.na > 0 && st.na < st.index))
        throw std::invalid_argument("na = " + num(st.na) + ": must be in (0, index)");
    if (!(st.spot_sigma_per_lambda_na > 0))
        throw std::invalid_argument("spot_sigma_per_lambda_na = " +
                                    num(st.spot_sigma_per_lambda_na) + ": must be > 0");
    if (focus < 0 || static_cast<size_t>(focus) >= n)
        throw std::invalid_argument("focus = " + std::to_string(focus) +
                                    ": must be in 0.." + std::to_string(n - 1));

    thermal_medium m;
    m.conductivity_w_mk = st.conductivity_w_mk;
    m.diffusivity_m2_s = st.diffusivity_m2_s;
    m.velocity_m_s = st.velocity_m_s;
    check_medium(m);

    std::vector<double> depth(n, 0.0), incident(n, 1.0);
    for (size_t i = 1; i < n; ++i) {
        depth[i] = depth[i - 1] + st.spacers_m[i - 1];
        incident[i] = incident[i - 1] * st.transmittance[i - 1];
    }
    const double tan_cone = std::tan(std::asin(st.na / st.index));

    stack_heating out;
    out.spot_sigma_m = st.spot_sigma_per_lambda_na * st.wavelength_m / st.na;
    out.layers.resize(n);
    const double mw = 1e-3;
    planar_source spot;
    spot.shape = source_shape::gaussian;
    spot.radius_m = out.spot_sigma_m;
    spot.z0_m = depth[focus];
    spot.power_w = mw * incident[focus] * st.absorptance[focus];
    for (size_t j = 0; j < n; ++j) {
        auto& L = out.layers[j];
        L.absorbed_mw = incident[j] * st.absorptance[j];
        L.distance_m = std::abs(depth[j] - depth[focus]);
        if (spot.power_w > 0)
            L.conduction = planar_source_profile(spot, depth[j], m, q);
        if (static_cast<int>(j) == focus)
            continue;
        L.defocus_radius_m = L.distance_m * tan_cone;
        planar_source disc;
        disc.shape = source_shape::disc;
        disc.radius_m = L.defocus_radius_m;
        disc.z0_m = depth[j];
        disc.power_w = mw * L.absorbed_mw;
        if (disc.power_w > 0)
            L.direct = planar_source_profile(disc, depth[j], m, q);
    }
    return out;
}

} // namespace ecdisc
