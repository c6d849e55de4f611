//! The search palette engine (SPEC W7): a fuzzy, diacritic- and case-insensitive, multi-word
//! search over the units, criteria and actions of one year.
//!
//! - Both sides are folded (`fold`): "quang binh" finds "Quảng Bình", "dak nong" "Đắk Nông".
//! - The query is split on whitespace; every word must match, in any order; the score is the sum
//!   of the words' scores. Each word is matched with `SkimMatcherV2` on the folded text.
//! - A word that is a prefix of an entry's code (unit or criterion) gets a strong bonus, so "3.2"
//!   ranks 3.2, 3.2.1, 3.2.2 … first and a code like 1.3.2 matching "3.2" as a subsequence below.
//! - Combined hits: when the words split between a unit and a criterion ("quang binh 3.2.1",
//!   "44 dung han"), the hit names both ("Quảng Bình › 3.2.1"). Each word is matched against
//!   units and criteria separately; for every way to split the words between the two sides the
//!   best units and the best criteria are paired. Unit × criterion pairs are never enumerated.
//! - An empty (or blank) query returns no hits: the palette shows its own default list.
//!
//! The index is built once per year ([`SearchIndex::new`]); a [`Searcher`] keeps the matches of
//! recent query words, so a word that only grows is matched against the previous word's
//! candidates instead of the whole index.

use std::cmp::Reverse;
use std::collections::HashMap;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use unicode_normalization::UnicodeNormalization;

use super::fold::{fold, fold_with_map};
use domain::{Framework, UnitSet};

/// Bonus when a query word equals an entry's code.
const CODE_EXACT: i64 = 3000;
/// Bonus when a query word is a whole-segment prefix of the code ("3.2" of "3.2.1").
const CODE_SEGMENT: i64 = 2000;
/// Bonus when a query word is a plain prefix of the code ("4" of "44").
const CODE_PREFIX: i64 = 1000;
/// Bonus when a query word is a whole word of the text ("han" in "đúng thời hạn", not in
/// "hành"): folding makes many Vietnamese syllables share a prefix.
const WHOLE_WORD: i64 = 24;
/// Subtracted from a combined (unit + criterion) hit, so that one entry matching every word
/// ranks above a pair scoring the same.
const COMBINED_PENALTY: i64 = 40;
/// Queries with more words than this get no combined hits (2^words splits are tried).
const MAX_COMBINED_WORDS: usize = 6;
/// How many recent words a [`Searcher`] remembers.
const CACHE_WORDS: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Unit,
    Criterion,
    Action,
}

impl EntryKind {
    fn rank(self) -> u8 {
        match self {
            EntryKind::Unit => 0,
            EntryKind::Criterion => 1,
            EntryKind::Action => 2,
        }
    }
}

/// One searchable thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    /// Shown in the palette, e.g. "44 Quảng Bình", "3.2.1 Tỷ lệ hồ sơ giải quyết đúng hạn", or an
    /// action's description. Stored NFC-normalized; highlight indices count its `char`s.
    pub text: String,
    /// Unit code, criterion code, or action name.
    pub target: String,
}

impl Entry {
    /// A unit shown as "code name".
    pub fn unit(code: &str, name: &str) -> Entry {
        Entry {
            kind: EntryKind::Unit,
            text: format!("{code} {name}"),
            target: code.to_string(),
        }
    }

    /// A criterion (any node of the framework tree) shown as "code name".
    pub fn criterion(code: &str, name: &str) -> Entry {
        Entry {
            kind: EntryKind::Criterion,
            text: format!("{code} {name}"),
            target: code.to_string(),
        }
    }

    /// An action shown by its description.
    pub fn action(name: &str, description: &str) -> Entry {
        Entry {
            kind: EntryKind::Action,
            text: description.to_string(),
            target: name.to_string(),
        }
    }
}

/// Matched characters of one entry of a hit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    /// Index of the entry in the index ([`SearchIndex::entry`]).
    pub entry: usize,
    /// Sorted, distinct `char` indices into that entry's (original, NFC) `text`.
    pub chars: Vec<usize>,
}

/// One result. `unit`, `criterion` and `action` are entry indices ([`SearchIndex::entry`]): a
/// single-entry hit sets one of them; a combined hit sets `unit` and `criterion`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub unit: Option<usize>,
    pub criterion: Option<usize>,
    pub action: Option<usize>,
    pub score: i64,
    /// One per involved entry, in display order (unit, criterion, action).
    pub highlights: Vec<Highlight>,
}

impl Hit {
    /// The involved entries in display order.
    pub fn entries(&self) -> impl Iterator<Item = usize> + '_ {
        self.unit
            .into_iter()
            .chain(self.criterion)
            .chain(self.action)
    }

    pub fn is_combined(&self) -> bool {
        self.unit.is_some() && self.criterion.is_some()
    }
}

/// The folded form of an entry, computed once.
struct Prepared {
    folded: String,
    /// Folded char index → original char index.
    origin: Vec<usize>,
    /// Folded code, for units and criteria.
    code: Option<String>,
    /// The folded text starts with the folded code followed by a space or the end.
    code_leads: bool,
}

/// The entries of one year, folded once.
pub struct SearchIndex {
    entries: Vec<Entry>,
    prepared: Vec<Prepared>,
    matcher: SkimMatcherV2,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("entries", &self.entries.len())
            .finish()
    }
}

/// A matched word: (entry, score) sorted by entry.
type WordHits = Vec<(u32, i64)>;

/// A ranked candidate before highlights are computed.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    score: i64,
    first: u32,
    /// The criterion of a combined hit.
    second: Option<u32>,
    /// Bit i set: word i is matched against `first` (the rest against `second`).
    mask: u32,
}

impl SearchIndex {
    /// Fold every entry once. Entry texts are NFC-normalized.
    pub fn new(entries: Vec<Entry>) -> SearchIndex {
        let entries: Vec<Entry> = entries
            .into_iter()
            .map(|e| Entry {
                text: e.text.nfc().collect(),
                ..e
            })
            .collect();
        let prepared = entries
            .iter()
            .map(|e| {
                let f = fold_with_map(&e.text);
                let code = match e.kind {
                    EntryKind::Unit | EntryKind::Criterion => Some(fold(&e.target)),
                    EntryKind::Action => None,
                };
                let code_leads = code.as_deref().is_some_and(|c| {
                    !c.is_empty()
                        && f.text.starts_with(c)
                        && f.text[c.len()..]
                            .chars()
                            .next()
                            .is_none_or(char::is_whitespace)
                });
                Prepared {
                    folded: f.text,
                    origin: f.origin,
                    code,
                    code_leads,
                }
            })
            .collect();
        SearchIndex {
            entries,
            prepared,
            matcher: SkimMatcherV2::default().ignore_case(),
        }
    }

    /// The index of one year: every unit, every node of the framework (areas, criteria and
    /// sub-criteria), then the given actions.
    pub fn for_year(
        framework: &Framework,
        units: &UnitSet,
        actions: impl IntoIterator<Item = Entry>,
    ) -> SearchIndex {
        let mut entries: Vec<Entry> = units
            .units
            .iter()
            .map(|u| Entry::unit(&u.code, &u.name))
            .collect();
        entries.extend(
            framework
                .nodes
                .iter()
                .map(|n| Entry::criterion(&n.code, &n.name)),
        );
        entries.extend(actions);
        SearchIndex::new(entries)
    }

    pub fn entry(&self, index: usize) -> Option<&Entry> {
        self.entries.get(index)
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Search without any memory of previous queries. At most `limit` hits, best first; an
    /// empty or blank query gives none.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let folded = fold(query);
        let words: Vec<&str> = folded.split_whitespace().collect();
        let lists: Vec<WordHits> = words.iter().map(|w| self.match_word(w, None).0).collect();
        let refs: Vec<&WordHits> = lists.iter().collect();
        self.assemble(&words, &refs, limit)
    }

    /// Code bonus of one folded word against a folded code.
    fn code_bonus(code: &str, word: &str) -> Option<i64> {
        if code == word {
            Some(CODE_EXACT)
        } else if let Some(rest) = code.strip_prefix(word) {
            if rest.starts_with('.') || word.ends_with('.') {
                Some(CODE_SEGMENT)
            } else {
                Some(CODE_PREFIX)
            }
        } else {
            None
        }
    }

    /// Score of one folded word against one entry, `None` when it does not match. A word
    /// matches when it is a subsequence of the folded text or a prefix of the code; both
    /// properties survive removing the word's last char, which is what makes narrowing exact.
    fn word_score(&self, entry: usize, word: &str) -> Option<i64> {
        let p = &self.prepared[entry];
        let bonus = p.code.as_deref().and_then(|c| Self::code_bonus(c, word));
        let fuzzy = self.matcher.fuzzy_match(&p.folded, word).map(|f| {
            f + if whole_word(&p.folded, word) {
                WHOLE_WORD
            } else {
                0
            }
        });
        match (fuzzy, bonus) {
            (None, None) => None,
            (f, b) => Some(f.unwrap_or(0) + b.unwrap_or(0)),
        }
    }

    /// Match a folded word against every entry, or only against `within` (the hits of a prefix
    /// of the word). Returns the hits and how many entries were scored.
    fn match_word(&self, word: &str, within: Option<&WordHits>) -> (WordHits, usize) {
        match within {
            Some(base) => {
                let hits = base
                    .iter()
                    .filter_map(|&(e, _)| self.word_score(e as usize, word).map(|s| (e, s)))
                    .collect();
                (hits, base.len())
            }
            None => {
                let hits = (0..self.entries.len())
                    .filter_map(|e| self.word_score(e, word).map(|s| (e as u32, s)))
                    .collect();
                (hits, self.entries.len())
            }
        }
    }

    /// Rank single-entry and combined hits from the per-word matches.
    fn assemble(&self, words: &[&str], lists: &[&WordHits], limit: usize) -> Vec<Hit> {
        let k = words.len();
        if k == 0 || limit == 0 || self.entries.is_empty() {
            return Vec::new();
        }
        let n = self.entries.len();
        // dense[w * n + e]: score of word w on entry e.
        let mut dense: Vec<Option<i64>> = vec![None; k * n];
        for (w, list) in lists.iter().enumerate() {
            for &(e, s) in list.iter() {
                dense[w * n + e as usize] = Some(s);
            }
        }
        let all_words: u32 = if k >= 32 { u32::MAX } else { (1u32 << k) - 1 };
        let sum_over = |e: usize, mask: u32| -> Option<i64> {
            let mut total = 0i64;
            for w in (0..k).filter(|&w| has_word(mask, w)) {
                total += dense[w * n + e]?;
            }
            Some(total)
        };

        let mut candidates: Vec<Candidate> = Vec::new();
        // Single entries matching every word.
        let shortest = (0..k).min_by_key(|&w| lists[w].len()).unwrap_or(0);
        for &(e, _) in lists[shortest].iter() {
            if let Some(score) = sum_over(e as usize, all_words) {
                candidates.push(Candidate {
                    score,
                    first: e,
                    second: None,
                    mask: all_words,
                });
            }
        }

        // Combined unit + criterion hits: for every split of the words, pair the best units
        // for one side with the best criteria for the other.
        if (2..=MAX_COMBINED_WORDS).contains(&k) {
            let mut pairs: HashMap<(u32, u32), Candidate> = HashMap::new();
            for unit_mask in 1..all_words {
                let crit_mask = all_words & !unit_mask;
                let units = self.best_of_side(EntryKind::Unit, unit_mask, lists, limit, &sum_over);
                if units.is_empty() {
                    continue;
                }
                let crits =
                    self.best_of_side(EntryKind::Criterion, crit_mask, lists, limit, &sum_over);
                // The `limit` best sums of two sorted lists lie where (i+1)(j+1) <= limit.
                for (i, &(us, u)) in units.iter().enumerate() {
                    for (j, &(cs, c)) in crits.iter().enumerate() {
                        if (i + 1) * (j + 1) > limit {
                            break;
                        }
                        let cand = Candidate {
                            score: us + cs - COMBINED_PENALTY,
                            first: u,
                            second: Some(c),
                            mask: unit_mask,
                        };
                        pairs
                            .entry((u, c))
                            .and_modify(|old| {
                                if (cand.score, Reverse(cand.mask)) > (old.score, Reverse(old.mask))
                                {
                                    *old = cand;
                                }
                            })
                            .or_insert(cand);
                    }
                }
            }
            candidates.extend(pairs.into_values());
        }

        candidates.sort_by_key(|c| {
            (
                Reverse(c.score),
                c.second.is_some(),
                self.entries[c.first as usize].kind.rank(),
                c.first,
                c.second,
            )
        });
        candidates.truncate(limit);
        candidates.iter().map(|c| self.to_hit(c, words)).collect()
    }

    /// The `limit` best entries of `kind` matching every word in `mask`: (score, entry), best
    /// first, ties by entry order.
    fn best_of_side(
        &self,
        kind: EntryKind,
        mask: u32,
        lists: &[&WordHits],
        limit: usize,
        sum_over: &dyn Fn(usize, u32) -> Option<i64>,
    ) -> Vec<(i64, u32)> {
        let Some(first) = (0..lists.len()).find(|&w| has_word(mask, w)) else {
            return Vec::new();
        };
        let mut best: Vec<(i64, u32)> = lists[first]
            .iter()
            .filter(|&&(e, _)| self.entries[e as usize].kind == kind)
            .filter_map(|&(e, _)| sum_over(e as usize, mask).map(|s| (s, e)))
            .collect();
        best.sort_by_key(|&(s, e)| (Reverse(s), e));
        best.truncate(limit);
        best
    }

    fn to_hit(&self, c: &Candidate, words: &[&str]) -> Hit {
        let first = c.first as usize;
        let mut hit = Hit {
            unit: None,
            criterion: None,
            action: None,
            score: c.score,
            highlights: Vec::new(),
        };
        let in_mask = |mask: u32| -> Vec<&str> {
            words
                .iter()
                .enumerate()
                .filter(|(w, _)| has_word(mask, *w))
                .map(|(_, word)| *word)
                .collect()
        };
        let first_words = in_mask(c.mask);
        self.place(&mut hit, first);
        hit.highlights.push(self.highlight(first, &first_words));
        if let Some(second) = c.second {
            let second = second as usize;
            let second_words = in_mask(!c.mask);
            self.place(&mut hit, second);
            hit.highlights.push(self.highlight(second, &second_words));
        }
        hit
    }

    fn place(&self, hit: &mut Hit, entry: usize) {
        match self.entries[entry].kind {
            EntryKind::Unit => hit.unit = Some(entry),
            EntryKind::Criterion => hit.criterion = Some(entry),
            EntryKind::Action => hit.action = Some(entry),
        }
    }

    /// Original-text char indices of every word's match in one entry.
    fn highlight(&self, entry: usize, words: &[&str]) -> Highlight {
        let p = &self.prepared[entry];
        let mut folded_idx: Vec<usize> = Vec::new();
        for word in words {
            let code_hit = p.code_leads
                && p.code
                    .as_deref()
                    .is_some_and(|c| Self::code_bonus(c, word).is_some());
            if code_hit {
                folded_idx.extend(0..word.chars().count());
            } else if let Some((_, idx)) = self.matcher.fuzzy_indices(&p.folded, word) {
                folded_idx.extend(idx);
            }
        }
        let mut chars: Vec<usize> = folded_idx
            .into_iter()
            .filter_map(|i| p.origin.get(i).copied())
            .collect();
        chars.sort_unstable();
        chars.dedup();
        Highlight { entry, chars }
    }
}

/// Does `word` occur in `text` with no letter or digit right before or after it?
fn whole_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, m)| {
        let before = text[..i].chars().next_back();
        let after = text[i + m.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Is word `w` in `mask`? Words past the 32nd are in every mask: they only occur in queries too
/// long for combined hits, where every word belongs to the one entry.
fn has_word(mask: u32, w: usize) -> bool {
    w >= 32 || mask & (1 << w) != 0
}

/// One remembered query word and its matches.
struct CachedWord {
    word: String,
    hits: WordHits,
    used: u64,
}

/// Search as the user types: remembers the matches of recent query words, so that a word that
/// grows by a keystroke is matched only against the entries its shorter form matched, and an
/// unchanged word (or one seen again after a backspace) is not matched again. The results are
/// exactly those of [`SearchIndex::search`].
pub struct Searcher {
    index: SearchIndex,
    cache: Vec<CachedWord>,
    clock: u64,
    last_query: String,
    last_scanned: usize,
}

impl std::fmt::Debug for Searcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Searcher")
            .field("index", &self.index)
            .field("last_query", &self.last_query)
            .finish()
    }
}

impl Searcher {
    pub fn new(index: SearchIndex) -> Searcher {
        Searcher {
            index,
            cache: Vec::new(),
            clock: 0,
            last_query: String::new(),
            last_scanned: 0,
        }
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    pub fn into_index(self) -> SearchIndex {
        self.index
    }

    /// The query of the last call to [`Searcher::search`].
    pub fn last_query(&self) -> &str {
        &self.last_query
    }

    /// How many (word, entry) pairs the last search scored: the work narrowing saves.
    pub fn last_scanned(&self) -> usize {
        self.last_scanned
    }

    /// Same result as `self.index().search(query, limit)`, reusing earlier work.
    pub fn search(&mut self, query: &str, limit: usize) -> Vec<Hit> {
        self.last_query = query.to_string();
        self.last_scanned = 0;
        let folded = fold(query);
        let words: Vec<&str> = folded.split_whitespace().collect();
        let mut slots: Vec<usize> = Vec::with_capacity(words.len());
        for word in &words {
            let slot = self.word_slot(word);
            slots.push(slot);
        }
        let lists: Vec<&WordHits> = slots.iter().map(|&s| &self.cache[s].hits).collect();
        let hits = self.index.assemble(&words, &lists, limit);
        self.evict(&words);
        hits
    }

    /// The cache slot holding the matches of `word`, computing them if needed.
    fn word_slot(&mut self, word: &str) -> usize {
        self.clock += 1;
        if let Some(i) = self.cache.iter().position(|c| c.word == word) {
            self.cache[i].used = self.clock;
            return i;
        }
        // The longest remembered prefix of this word narrows the candidates.
        let base = self
            .cache
            .iter()
            .enumerate()
            .filter(|(_, c)| word.starts_with(c.word.as_str()))
            .max_by_key(|(_, c)| c.word.len())
            .map(|(i, _)| i);
        let (hits, scanned) = self
            .index
            .match_word(word, base.map(|i| &self.cache[i].hits));
        self.last_scanned += scanned;
        self.cache.push(CachedWord {
            word: word.to_string(),
            hits,
            used: self.clock,
        });
        self.cache.len() - 1
    }

    /// Forget the least recently used words beyond the cache size, keeping the current ones.
    fn evict(&mut self, keep: &[&str]) {
        while self.cache.len() > CACHE_WORDS {
            let victim = self
                .cache
                .iter()
                .enumerate()
                .filter(|(_, c)| !keep.contains(&c.word.as_str()))
                .min_by_key(|(_, c)| c.used)
                .map(|(i, _)| i);
            match victim {
                Some(i) => {
                    self.cache.swap_remove(i);
                }
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> SearchIndex {
        let units = [
            ("01", "Hà Nội"),
            ("22", "Quảng Ninh"),
            ("44", "Quảng Bình"),
            ("45", "Quảng Trị"),
            ("49", "Quảng Nam"),
            ("67", "Đắk Nông"),
            ("66", "Đắk Lắk"),
            ("79", "TP Hồ Chí Minh"),
            ("52", "Bình Định"),
        ];
        let criteria = [
            ("1", "Công tác chỉ đạo, điều hành cải cách hành chính"),
            ("1.3", "Kiểm tra cải cách hành chính"),
            ("1.3.2", "Tỷ lệ xử lý các vấn đề phát hiện qua kiểm tra"),
            ("3", "Cải cách thủ tục hành chính"),
            ("3.2", "Thực hiện cơ chế một cửa, một cửa liên thông"),
            ("3.2.1", "Tỷ lệ hồ sơ giải quyết đúng hạn"),
            ("3.2.2", "Tỷ lệ hồ sơ được số hoá"),
            ("3.3", "Công khai thủ tục hành chính"),
            ("6.1", "Mức độ hài lòng của người dân về thủ tục bình đẳng"),
        ];
        let mut entries: Vec<Entry> = units.iter().map(|(c, n)| Entry::unit(c, n)).collect();
        entries.extend(criteria.iter().map(|(c, n)| Entry::criterion(c, n)));
        entries.push(Entry::action("history", "Lịch sử thay đổi"));
        entries.push(Entry::action("toggle-diffs", "Chỉ hiện chênh lệch"));
        SearchIndex::new(entries)
    }

    fn target(ix: &SearchIndex, i: Option<usize>) -> Option<&str> {
        i.and_then(|i| ix.entry(i)).map(|e| e.target.as_str())
    }

    fn top(ix: &SearchIndex, q: &str) -> Hit {
        ix.search(q, 20)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no hit for {q:?}"))
    }

    /// The highlighted characters of an entry, as a string.
    fn marked(ix: &SearchIndex, h: &Highlight) -> String {
        let text: Vec<char> = ix.entries()[h.entry].text.chars().collect();
        h.chars.iter().map(|&i| text[i]).collect()
    }

    #[test]
    fn folding_finds_names_without_diacritics() {
        let ix = sample();
        let h = top(&ix, "quang binh");
        assert_eq!(target(&ix, h.unit), Some("44"));
        assert!(!h.is_combined());
        let h = top(&ix, "dak nong");
        assert_eq!(target(&ix, h.unit), Some("67"));
        let h = top(&ix, "QUẢNG bình");
        assert_eq!(target(&ix, h.unit), Some("44"));
    }

    #[test]
    fn words_match_in_any_order() {
        let ix = sample();
        let a = top(&ix, "binh quang");
        assert_eq!(target(&ix, a.unit), Some("44"));
        assert_eq!(a.criterion, None);
        // Every word must match: "quang xyz" matches nothing.
        assert!(ix.search("quang xyz", 20).is_empty());
    }

    #[test]
    fn highlights_land_on_the_original_characters() {
        let ix = sample();
        let h = top(&ix, "dak nong");
        assert_eq!(h.highlights.len(), 1);
        assert_eq!(marked(&ix, &h.highlights[0]), "ĐắkNông");
        // "67 Đắk Nông": Đ is char 3.
        assert_eq!(h.highlights[0].chars, vec![3, 4, 5, 7, 8, 9, 10]);
        let h = top(&ix, "quang binh");
        assert_eq!(marked(&ix, &h.highlights[0]), "QuảngBình");
    }

    #[test]
    fn code_prefix_ranks_first() {
        let ix = sample();
        let hits = ix.search("3.2", 20);
        let codes: Vec<&str> = hits
            .iter()
            .filter(|h| !h.is_combined())
            .filter_map(|h| target(&ix, h.criterion))
            .collect();
        assert_eq!(&codes[..3], &["3.2", "3.2.1", "3.2.2"]);
        let pos = |c: &str| codes.iter().position(|x| *x == c);
        assert!(pos("1.3.2").is_some(), "1.3.2 matches as a subsequence");
        assert!(pos("1.3.2") > pos("3.2.2"));
        // The code's own characters are highlighted.
        let first = &hits[0].highlights[0];
        assert_eq!(marked(&ix, first), "3.2");
        assert_eq!(first.chars, vec![0, 1, 2]);
    }

    #[test]
    fn whole_words_rank_above_prefixes_of_longer_syllables() {
        assert!(whole_word("ty le ho so giai quyet dung han", "han"));
        assert!(whole_word("3.2.1 ty le", "3.2.1"));
        assert!(!whole_word("cai cach hanh chinh", "han"));
        assert!(!whole_word("ha noi", "a"));
        let ix = SearchIndex::new(vec![
            Entry::criterion("2.1", "Xây dựng, ban hành văn bản"),
            Entry::criterion("1.1.1", "Ban hành kế hoạch đúng thời hạn"),
        ]);
        let h = top(&ix, "dung han");
        assert_eq!(target(&ix, h.criterion), Some("1.1.1"));
    }

    #[test]
    fn unit_code_finds_the_unit() {
        let ix = sample();
        let h = top(&ix, "44");
        assert_eq!(target(&ix, h.unit), Some("44"));
        assert_eq!(h.criterion, None);
    }

    #[test]
    fn words_split_between_unit_and_criterion_give_a_combined_hit() {
        let ix = sample();
        let h = top(&ix, "quang binh 3.2.1");
        assert_eq!(target(&ix, h.unit), Some("44"));
        assert_eq!(target(&ix, h.criterion), Some("3.2.1"));
        assert_eq!(h.highlights.len(), 2);
        assert_eq!(marked(&ix, &h.highlights[0]), "QuảngBình");
        assert_eq!(marked(&ix, &h.highlights[1]), "3.2.1");

        let h = top(&ix, "44 dung han");
        assert_eq!(target(&ix, h.unit), Some("44"));
        assert_eq!(target(&ix, h.criterion), Some("3.2.1"));
        assert_eq!(marked(&ix, &h.highlights[1]), "đúnghạn");

        // Word order does not matter for combined hits either.
        let h = top(&ix, "3.2.1 binh quang");
        assert_eq!(target(&ix, h.unit), Some("44"));
        assert_eq!(target(&ix, h.criterion), Some("3.2.1"));
    }

    #[test]
    fn a_single_entry_matching_every_word_beats_a_pair() {
        let ix = sample();
        // "binh" also matches the criterion 6.1 ("bình đẳng"), but Quảng Bình matches both words.
        let hits = ix.search("quang binh", 20);
        assert_eq!(target(&ix, hits[0].unit), Some("44"));
        assert!(!hits[0].is_combined());
        assert!(hits.iter().any(|h| h.is_combined()));
    }

    #[test]
    fn actions_are_found_by_description() {
        let ix = sample();
        let h = top(&ix, "lich su");
        assert_eq!(target(&ix, h.action), Some("history"));
        assert_eq!(h.unit, None);
    }

    #[test]
    fn empty_query_and_zero_limit_give_nothing() {
        let ix = sample();
        assert!(ix.search("", 20).is_empty());
        assert!(ix.search("   \t", 20).is_empty());
        assert!(ix.search("quang", 0).is_empty());
        assert_eq!(ix.search("quang", 2).len(), 2);
    }

    #[test]
    fn results_are_sorted_best_first() {
        let ix = sample();
        for q in ["quang", "3", "binh", "ty le", "q 3.2"] {
            let hits = ix.search(q, 50);
            assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "{q}");
        }
    }

    #[test]
    fn narrowing_scans_fewer_entries_and_gives_the_same_hits() {
        let ix = sample();
        let fresh: Vec<Vec<Hit>> = ["q", "qu", "qua", "quang", "quang ", "quang b", "quang bi"]
            .iter()
            .map(|q| ix.search(q, 20))
            .collect();
        let mut s = Searcher::new(sample());
        let mut scanned = Vec::new();
        for (q, want) in ["q", "qu", "qua", "quang", "quang ", "quang b", "quang bi"]
            .iter()
            .zip(&fresh)
        {
            assert_eq!(&s.search(q, 20), want, "{q}");
            scanned.push(s.last_scanned());
        }
        let n = s.index().len();
        assert_eq!(scanned[0], n, "the first word scans the whole index");
        assert!(
            scanned[1] < n,
            "a grown word scans only the previous candidates"
        );
        assert_eq!(scanned[4], 0, "a trailing space changes no word");
        assert_eq!(scanned[5], n, "a new word scans the whole index");
        assert!(scanned[6] < n);
        // Backspacing to a remembered word scans nothing.
        s.search("quang b", 20);
        assert_eq!(s.last_scanned(), 0);
        assert_eq!(s.last_query(), "quang b");
    }

    #[test]
    fn searcher_forgets_old_words_but_stays_correct() {
        let ix = sample();
        let mut s = Searcher::new(sample());
        for i in 0..(CACHE_WORDS * 2) {
            let q = format!("q{} 3.{}", i % 7, i % 5);
            assert_eq!(s.search(&q, 10), ix.search(&q, 10), "{q}");
        }
        assert!(s.cache.len() <= CACHE_WORDS);
    }

    /// A realistic typing session: add chars, spaces, backspaces.
    fn edits() -> impl Strategy<Value = Vec<Option<char>>> {
        let ch = prop::sample::select(vec![
            'q', 'u', 'a', 'n', 'g', 'b', 'i', 'h', 'd', 'k', 'o', '3', '.', '2', '1', '4', ' ',
            'y', 'l', 'e', 't', 'ả', 'Đ',
        ]);
        prop::collection::vec(prop::option::weighted(0.8, ch), 0..40)
    }

    proptest! {
        #[test]
        fn narrowing_equals_a_fresh_search(steps in edits(), limit in 1usize..30) {
            let ix = sample();
            let mut s = Searcher::new(sample());
            let mut q = String::new();
            for step in steps {
                match step {
                    Some(c) => q.push(c),
                    None => { q.pop(); }
                }
                prop_assert_eq!(s.search(&q, limit), ix.search(&q, limit));
            }
        }
    }
}
