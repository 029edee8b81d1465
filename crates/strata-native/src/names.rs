//! Container names: the ones docker generates (`adjective_surname`, from about 33,000 pairs) and the rule a
//! name given with `--name` must follow.
//!
//! Docker picks a random pair and, when the name is taken, tries again with a random digit appended
//! (`jolly_noether7`), a few times, before falling back to the container's short ID; see
//! [`crate::Containers::create`].

use crate::random;

/// A random `adjective_surname`; with `retry` > 0, a random digit is appended, as docker does on a retry.
pub(crate) fn generate(retry: u32) -> crate::Result<String> {
    let mut name = format!(
        "{}_{}",
        ADJECTIVES[random::below(ADJECTIVES.len())?],
        SURNAMES[random::below(SURNAMES.len())?]
    );
    if retry > 0 {
        name.push(char::from(b'0' + random::below(10)? as u8));
    }
    Ok(name)
}

/// Whether docker accepts `name` as a container name: `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (a leading `/` is
/// allowed and not part of the name).
pub fn valid(name: &str) -> bool {
    let name = name.strip_prefix('/').unwrap_or(name);
    let b = name.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(c))
}

/// The first word of a generated name: moods and qualities.
pub(crate) const ADJECTIVES: &[&str] = &[
    "able", "agile", "alert", "amber", "amused", "ardent", "astute", "awake", "bold", "bouncy",
    "brave", "breezy", "bright", "brisk", "calm", "candid", "caring", "cheerful", "chipper",
    "civil", "clever", "cosmic", "cozy", "crisp", "curious", "daring", "dapper", "deft", "devoted",
    "diligent", "dreamy", "earnest", "eager", "easy", "elated", "eloquent", "epic", "exact",
    "fair", "fearless", "festive", "fierce", "fluent", "fond", "frank", "friendly", "frugal",
    "gentle", "gifted", "glad", "golden", "graceful", "grateful", "hardy", "hearty", "helpful",
    "honest", "humble", "jaunty", "jolly", "jovial", "joyful", "keen", "kind", "lively", "loyal",
    "lucid", "lucky", "mellow", "merry", "mighty", "modest", "neat", "nimble", "noble", "patient",
    "peaceful", "placid", "playful", "plucky", "polite", "proud", "quick", "quiet", "radiant",
    "rapid", "ready", "serene", "sharp", "shiny", "sincere", "sleepy", "snappy", "spry", "steady",
    "stoic", "sunny", "swift", "tidy", "tranquil", "trusty", "upbeat", "vivid", "warm", "wise",
    "witty", "zany", "zealous", "zesty",
];

/// The second word: surnames of scientists, mathematicians and engineers.
pub(crate) const SURNAMES: &[&str] = &[
    "abel",
    "agnesi",
    "alhazen",
    "ampere",
    "anning",
    "archimedes",
    "aristotle",
    "avogadro",
    "babbage",
    "bacon",
    "banach",
    "banneker",
    "bardeen",
    "bernoulli",
    "bessel",
    "bohr",
    "boltzmann",
    "boole",
    "born",
    "bose",
    "boyle",
    "brahe",
    "bragg",
    "broglie",
    "brunel",
    "buffon",
    "bunsen",
    "cantor",
    "cardano",
    "carnot",
    "carson",
    "carver",
    "cauchy",
    "cavendish",
    "celsius",
    "chadwick",
    "chandrasekhar",
    "chebyshev",
    "clausius",
    "copernicus",
    "coulomb",
    "crick",
    "curie",
    "cuvier",
    "dalton",
    "darwin",
    "davy",
    "dedekind",
    "democritus",
    "descartes",
    "diophantus",
    "dirac",
    "doppler",
    "edison",
    "ehrlich",
    "einstein",
    "euclid",
    "euler",
    "faraday",
    "fermat",
    "fermi",
    "feynman",
    "fibonacci",
    "fleming",
    "foucault",
    "fourier",
    "franklin",
    "fresnel",
    "galileo",
    "galois",
    "galvani",
    "gauss",
    "geiger",
    "germain",
    "gibbs",
    "goddard",
    "godel",
    "goodall",
    "hadamard",
    "haber",
    "halley",
    "hamilton",
    "hawking",
    "heisenberg",
    "helmholtz",
    "herschel",
    "hertz",
    "hilbert",
    "hodgkin",
    "hooke",
    "hopper",
    "hubble",
    "humboldt",
    "huygens",
    "hypatia",
    "jacobi",
    "jenner",
    "joule",
    "kelvin",
    "kepler",
    "khayyam",
    "kirchhoff",
    "klein",
    "koch",
    "kovalevskaya",
    "lagrange",
    "lamarck",
    "laplace",
    "lavoisier",
    "leavitt",
    "leibniz",
    "lemaitre",
    "liebig",
    "linnaeus",
    "lister",
    "lobachevsky",
    "lorentz",
    "lovelace",
    "lyell",
    "mach",
    "maxwell",
    "mcclintock",
    "meitner",
    "mendel",
    "mendeleev",
    "michelson",
    "millikan",
    "minkowski",
    "mobius",
    "morse",
    "napier",
    "nash",
    "neumann",
    "newton",
    "nightingale",
    "nobel",
    "noether",
    "ohm",
    "oersted",
    "oppenheimer",
    "pascal",
    "pasteur",
    "pauli",
    "pauling",
    "pavlov",
    "peano",
    "planck",
    "poincare",
    "poisson",
    "ptolemy",
    "pythagoras",
    "raman",
    "ramanujan",
    "rayleigh",
    "riemann",
    "rontgen",
    "rutherford",
    "sagan",
    "salk",
    "schrodinger",
    "shannon",
    "snell",
    "somerville",
    "stokes",
    "tesla",
    "thales",
    "thomson",
    "torricelli",
    "turing",
    "tyndall",
    "volta",
    "wallace",
    "watt",
    "weierstrass",
    "wiener",
    "wegener",
    "yukawa",
    "zuse",
    "lamport",
    "knuth",
    "dijkstra",
    "hoare",
    "backus",
    "ritchie",
    "kernighan",
    "mccarthy",
    "minsky",
    "shockley",
    "kilby",
    "noyce",
    "engelbart",
    "hamming",
    "huffman",
    "liskov",
    "hollerith",
    "cerf",
    "torvalds",
    "stallman",
    "wozniak",
    "kahn",
    "diffie",
    "hellman",
    "rivest",
    "shamir",
    "adleman",
    "cray",
    "amdahl",
    "wirth",
    "goldwasser",
    "perlman",
    "allen",
    "johnson",
    "vaughan",
    "jackson",
    "elion",
    "yalow",
    "leakey",
    "fossey",
    "wu",
    "mirzakhani",
    "ride",
    "jemison",
    "cannon",
    "payne",
    "rubin",
    "burnell",
    "bell",
    "marconi",
    "brattain",
    "moore",
    "aryabhata",
    "bhaskara",
    "brahmagupta",
    "khwarizmi",
    "avicenna",
    "biruni",
    "tusi",
    "kapitsa",
    "landau",
    "sakharov",
    "lomonosov",
    "markov",
    "kolmogorov",
    "lyapunov",
    "tsiolkovsky",
    "korolev",
    "hale",
    "drake",
    "penrose",
    "higgs",
    "weinberg",
    "salam",
    "glashow",
    "gellmann",
    "tomonaga",
    "kitasato",
    "noguchi",
    "nagaoka",
    "saha",
    "bhabha",
    "sarabhai",
    "kalam",
    "hardy",
    "littlewood",
    "church",
    "kleene",
    "tarski",
    "frege",
    "russell",
    "zermelo",
    "erdos",
    "conway",
    "wiles",
    "perelman",
    "tao",
    "mandelbrot",
    "lorenz",
    "feigenbaum",
    "prigogine",
    "onsager",
    "anderson",
    "josephson",
    "esaki",
    "onnes",
    "fahrenheit",
    "rankine",
    "reynolds",
    "navier",
    "darcy",
    "prandtl",
    "karman",
    "siemens",
    "weber",
    "henry",
    "heaviside",
    "fessenden",
    "armstrong",
    "nyquist",
    "bode",
    "kalman",
    "viterbi",
    "golay",
    "reed",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_lists_are_distinct_lowercase_words_and_the_space_is_large() {
        for list in [ADJECTIVES, SURNAMES] {
            let mut seen = std::collections::BTreeSet::new();
            for w in list {
                assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w}");
                assert!(seen.insert(w), "{w} twice");
            }
        }
        assert!(ADJECTIVES.len() * SURNAMES.len() > 30_000);
    }

    #[test]
    fn generated_names_are_valid_and_a_retry_appends_a_digit() {
        let first = generate(0).unwrap();
        assert!(valid(&first), "{first}");
        let (adj, sur) = first.split_once('_').unwrap();
        assert!(
            ADJECTIVES.contains(&adj) && SURNAMES.contains(&sur),
            "{first}"
        );
        let retry = generate(1).unwrap();
        assert!(
            valid(&retry) && retry.ends_with(|c: char| c.is_ascii_digit()),
            "{retry}"
        );
    }

    #[test]
    fn names_follow_dockers_rule() {
        for ok in ["ab", "/taken", "a.b-c_d", "9lives"] {
            assert!(valid(ok), "{ok}");
        }
        for bad in ["a", "", "/", "bad name", "_x", "-x", ".x", "x/y", "é1"] {
            assert!(!valid(bad), "{bad}");
        }
    }
}
