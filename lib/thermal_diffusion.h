/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_THERMAL_DIFFUSION_H
#define ECDISC_KERNEL_THERMAL_DIFFUSION_H

#include <limits>
#include <vector>

namespace ecdisc {

/*
 * Steady-state heat conduction around a heat source that moves at constant
 * velocity through a homogeneous, isotropic, infinite medium (the frame of
 * the source: the disc flows past the beam). Derives, from conduction and
 * from the absorbed light, the temperature rises that the medium simulator
 * configures as heating_k_per_mw / thermal_radius_m (focus layer) and
 * neighbour_k_per_mw / neighbour_radius_m (adjacent layers).
 *
 * Coordinates: x along the motion of the source (the beam moves towards +x
 * relative to the medium; x > 0 is ahead of the spot, x < 0 behind it, in
 * the wake), y across the track, z through the stack (depth). SI units.
 *
 * Point source (Rosenthal 1946; Carslaw & Jaeger, Conduction of Heat in
 * Solids, 2nd ed., sec. 10.7): a source of power P at the origin moving at v
 * along +x gives in its own frame
 *     T(x, y, z) = P / (4 pi k R) exp(-v (R + x) / (2 alpha)),
 *     R = sqrt(x^2 + y^2 + z^2),
 * k the conductivity (W/m/K), alpha the diffusivity (m^2/s); v = 0 gives
 * P/(4 pi k R). Ahead of the source (x = R) it falls as exp(-v R/alpha);
 * straight behind it (x = -R) it is P/(4 pi k R): the heat is left in a
 * wake. With a = v/(2 alpha) (= 1.7e7 /m for the defaults below: 59 nm) the
 * Peclet number of a feature of size L is a L.
 *
 * Optional insulating (adiabatic) plane z = insulated_plane_z_m: handled by
 * an image source of the same power mirrored in that plane (exact for the
 * infinite half-space on the side of the source; evaluate only on that
 * side). Default: none (infinite medium). For the default stack it does not
 * matter: at high Peclet number the heat of a spot reaches a depth d only
 * after t ~ d^2/(4 alpha), i.e. d^2 v/(4 alpha) behind the spot, and a
 * surface 100 um (cover layer) away changes a rise at the layers by the
 * image term, which is ~ (d/(2 h + d))^2 of it (h the distance to the plane).
 */
struct thermal_medium {
    double conductivity_w_mk = 0.20;   //!< k, W/(m K)
    double diffusivity_m2_s = 1.44e-7; //!< alpha, m^2/s
    double velocity_m_s = 0;           //!< v >= 0, source moving towards +x
    //! adiabatic plane (image source); NaN: none
    double insulated_plane_z_m = std::numeric_limits<double>::quiet_NaN();
};

/*! Rise (K) at (x, y, z) relative to a point source of power_w (W) at the
 *  origin (plus its image when the medium has an insulating plane). +inf at
 *  the source. Throws std::invalid_argument for k <= 0, alpha <= 0, v < 0. */
double
moving_point_rise(double power_w, double x, double y, double z, const thermal_medium& m);

/*! A heat source spread over the plane z = z0 (the absorbed light of a beam
 *  in a thin layer). gaussian: surface density
 *      P / (2 pi s^2) exp(-((x-x0)^2 + (y-y0)^2) / (2 s^2)),
 *  radius_m = s the rms radius per axis (the 1/e^2 intensity radius is 2 s;
 *  truncated at 7 s, a relative 2e-11 of the power); disc: uniform P/(pi r^2)
 *  inside radius_m = r (the geometric defocused spot of a beam focused on
 *  another layer). */
enum class source_shape { gaussian, disc };

struct planar_source {
    source_shape shape = source_shape::gaussian;
    double power_w = 0;
    double radius_m = 0; //!< gaussian: rms sigma per axis; disc: radius
    double x0_m = 0;
    double y0_m = 0;
    double z0_m = 0;
};

/*! Quadrature control for planar_source_rise. The rise is the source density
 *  times the point-source solution, integrated in polar coordinates (r, phi)
 *  centred on the evaluation point's projection on the source plane (the
 *  1/R singularity becomes r/R <= 1): in phi over the whole circle when the
 *  projection is inside the source's support circle (mapped so that the
 *  nodes crowd towards the wake direction, phi = pi), else over the cone
 *  that sees the support circle (phi = phi_c + beta sin(theta), which also
 *  removes the square-root behaviour at the tangents); in r over the chord
 *  of the support circle on each ray (exact limits for the disc: no
 *  discontinuity inside the integral), mapped so that the exponential
 *  decay of the kernel along the ray is uniform in the variable.
 *  Both integrals: panels of 15-point Gauss-Kronrod rules. rel_tol > 0:
 *  adaptive (the panel with the largest |Kronrod - Gauss| is halved until
 *  the sum of those is below rel_tol |integral|, at most max_panels panels),
 *  starting from `panels` equal panels. rel_tol = 0: exactly `panels`
 *  equal panels in each dimension (a fixed grid; halve the grid by
 *  doubling panels). */
struct thermal_quadrature {
    double rel_tol = 1e-5;
    int panels = 4;
    int max_panels = 200;
};

/*! Rise (K) at (x, y, z) from a planar source in a moving medium
 *  (plus its image when the medium has an insulating plane). Throws
 *  std::invalid_argument for a bad medium, radius_m <= 0, power_w < 0 or a
 *  bad quadrature. */
double planar_source_rise(const planar_source& s,
                          double x,
                          double y,
                          double z,
                          const thermal_medium& m,
                          const thermal_quadrature& q = thermal_quadrature());

/*! Shape of the rise on one plane z = const. */
struct thermal_profile {
    double peak_k = 0; //!< peak rise (K)
    //! along-track distance of the peak behind the source centre (m, > 0 behind)
    double lag_m = 0;
    /*! Gaussian rms radii: the distance from the peak to where the rise falls
     *  to exp(-1/2) of the peak (exact for a Gaussian). along_m is the mean
     *  of the front (ahead of the peak) and back (behind it) values; a moving
     *  source leaves a long wake, so back > front. */
    double sigma_along_m = 0;
    double sigma_front_m = 0;
    double sigma_back_m = 0;
    double sigma_across_m = 0;
};

/*! Peak and widths of the rise of a planar source on the plane z, searched
 *  along the line y = y0 (the peak lies on it by symmetry): a scan from
 *  ahead of the source to 20 v dz^2/(4 alpha) behind it (where a point
 *  source's peak at depth dz lies at v dz^2/(4 alpha)), then golden-section
 *  refinement; widths by bracketing and bisection. */
thermal_profile planar_source_profile(const planar_source& s,
                                      double z,
                                      const thermal_medium& m,
                                      const thermal_quadrature& q = thermal_quadrature());

/*! A layer stack in plain numbers (layer 0 nearest the light). */
struct thermal_stack {
    std::vector<double>
        spacers_m; //!< layer k to k+1 (n-1 or n entries; a last one is ignored)
    std::vector<double> absorptance;   //!< per layer, single pass, in [0, 1]
    std::vector<double> transmittance; //!< per layer, single pass, in [0, 1]
    double wavelength_m = 405e-9;
    double na = 0.85;
    double index = 1.60; //!< refractive index of the spacers
    /*! focused spot: Gaussian rms radius sigma = spot_sigma_per_lambda_na *
     *  lambda/NA. 0.21 is the least-squares Gaussian fit to the Airy
     *  intensity of a circular pupil (Zhang, Zerubia, Olivo-Marin, Appl.
     *  Opt. 46, 1819 (2007)); the Airy FWHM 0.514 lambda/NA gives 0.218. */
    double spot_sigma_per_lambda_na = 0.21;
    double velocity_m_s = 4.92;
    double conductivity_w_mk = 0.20;
    double diffusivity_m2_s = 1.44e-7;
};

struct layer_heating {
    //! conduction from the absorbed focused spot (on the focus layer: its own rise)
    thermal_profile conduction;
    //! the defocused beam absorbed in this layer (zero on the focus layer)
    thermal_profile direct;
    double absorbed_mw = 0;      //!< absorbed in this layer, per mW incident
    double defocus_radius_m = 0; //!< |dz| tan(asin(NA/n)); 0 on the focus layer
    double distance_m = 0;       //!< |dz| from the focus layer
};

struct stack_heating {
    double spot_sigma_m = 0;
    std::vector<layer_heating> layers; //!< per layer, rises per mW incident on the stack
};

/*! Rises per mW of beam power incident on the stack, the beam focused on
 *  layer `focus`. Assumptions: the light reaching layer j is the incident
 *  power times the single-pass transmittance of the layers in front of it
 *  (prod_{m<j} T_m, whatever the focus layer: light reflected back by the
 *  focus layer and deeper layers is neglected, R ~ 4..11 %); layer j
 *  absorbs A_j of it in a plane (a thin film) over the Gaussian focused
 *  spot (j = focus) or over the uniform geometric disc of radius
 *  |z_j - z_focus| tan(asin(NA/n)) (j != focus); the stack is one
 *  homogeneous medium (k, alpha) without boundaries. A layer j != focus
 *  gets two rises: conduction from the focused spot (peak far behind the
 *  spot: lag ~ v dz^2/(4 alpha)) and the direct absorption of the
 *  defocused light (peak at the disc's trailing edge: lag ~ radius). They
 *  add, but they peak at very different places. Throws
 *  std::invalid_argument for bad numbers. */
stack_heating stack_heating_per_mw(const thermal_stack& stack,
                                   int focus,
                                   const thermal_quadrature& q = thermal_quadrature());

} // namespace ecdisc

#endif
