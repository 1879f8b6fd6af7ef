//! Longitude and latitude to British National Grid eastings and northings:
//! the Ordnance Survey's transverse Mercator on the Airy 1830 ellipsoid.
//!
//! It is conformal, so areas keep their shapes, and it is the grid the
//! shipped boundary sets are drawn in (`data/boundaries/prepare.py` uses the
//! same formula), so a user's GeoJSON is projected exactly as they are.
//! Coordinates are taken as OSGB36: WGS84 and ETRS89 differ from it by up to
//! about 120 m in Great Britain, less than a printed point on any map the
//! tool draws, so no datum shift is applied.

const A: f64 = 6_377_563.396;
const B: f64 = 6_356_256.909;
/// Scale factor on the central meridian.
const F0: f64 = 0.999_601_271_7;
const LAT0: f64 = 49.0;
const LON0: f64 = -2.0;
const E0: f64 = 400_000.0;
const N0: f64 = -100_000.0;

/// Eastings and northings in metres of a point at `lon`, `lat` in degrees
/// (OS, *A guide to coordinate systems in Great Britain*, annex C).
pub fn national_grid(lon: f64, lat: f64) -> (f64, f64) {
    let (phi, lam) = (lat.to_radians(), lon.to_radians());
    let (phi0, lam0) = (LAT0.to_radians(), LON0.to_radians());
    let e2 = 1.0 - (B * B) / (A * A);
    let n = (A - B) / (A + B);
    let (s, c, t) = (phi.sin(), phi.cos(), phi.tan());
    let nu = A * F0 / (1.0 - e2 * s * s).sqrt();
    let rho = A * F0 * (1.0 - e2) / (1.0 - e2 * s * s).powf(1.5);
    let eta2 = nu / rho - 1.0;
    let (dp, sp) = (phi - phi0, phi + phi0);
    let m = B
        * F0
        * ((1.0 + n + 1.25 * n * n + 1.25 * n.powi(3)) * dp
            - (3.0 * n + 3.0 * n * n + 21.0 / 8.0 * n.powi(3)) * dp.sin() * sp.cos()
            + (15.0 / 8.0 * n * n + 15.0 / 8.0 * n.powi(3)) * (2.0 * dp).sin() * (2.0 * sp).cos()
            - 35.0 / 24.0 * n.powi(3) * (3.0 * dp).sin() * (3.0 * sp).cos());
    let i = m + N0;
    let ii = nu / 2.0 * s * c;
    let iii = nu / 24.0 * s * c.powi(3) * (5.0 - t * t + 9.0 * eta2);
    let iiia = nu / 720.0 * s * c.powi(5) * (61.0 - 58.0 * t * t + t.powi(4));
    let iv = nu * c;
    let v = nu / 6.0 * c.powi(3) * (nu / rho - t * t);
    let vi = nu / 120.0 * c.powi(5) * (5.0 - 18.0 * t * t + t.powi(4) + 14.0 * eta2 - 58.0 * t * t * eta2);
    let dl = lam - lam0;
    let north = i + ii * dl.powi(2) + iii * dl.powi(4) + iiia * dl.powi(6);
    let east = E0 + iv * dl + v * dl.powi(3) + vi * dl.powi(5);
    (east, north)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ordnance_survey_worked_example_projects_to_its_grid_reference() {
        // OS guide, annex C example: 52°39′27.2531″N, 1°43′4.5177″E (OSGB36)
        // is E 651409.903, N 313177.270.
        let lat = 52.0 + 39.0 / 60.0 + 27.2531 / 3600.0;
        let lon = 1.0 + 43.0 / 60.0 + 4.5177 / 3600.0;
        let (e, n) = national_grid(lon, lat);
        assert!((e - 651_409.903).abs() < 0.01, "{e}");
        assert!((n - 313_177.270).abs() < 0.01, "{n}");
    }

    #[test]
    fn the_true_origin_is_the_false_origin_shifted() {
        let (e, n) = national_grid(-2.0, 49.0);
        assert!((e - E0).abs() < 1e-6 && (n - N0).abs() < 1e-6, "{e} {n}");
    }
}
