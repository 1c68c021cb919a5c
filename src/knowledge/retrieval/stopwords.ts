/**
 * English words that carry no topic: articles, pronouns, auxiliaries, prepositions, question
 * words and the apostrophe-less contractions customers type ("dont", "im"). Checked on the
 * normalised word before stemming. Negations and filler adverbs ("actually", "really") are
 * included too: retrieval finds the passage on a topic; whether it says yes or no is the
 * answerer's business. "down" is not: in a shop it is mostly a filling.
 */
export const englishStopwords: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between
  both but by can could did do does doing done during each either else ever every few for from further get gets
  getting got had has have having he her here hers herself him himself his how i if in into is it its itself just
  let lets like me might mine more most much must my myself neither no nor not now of off on once only or other
  others ought our ours ourselves out over own per please pls plz same shall she should so some such than that the
  their theirs them themselves then there these they this those through thus to too under until up upon us very
  via was we were what whatever when whenever where whereas wherever whether which while who whom whose why will
  with within without would yet you your yours yourself yourselves u ur ya yeah yes ok okay hi hello hey thanks
  thank anything something everything nothing anyone someone everyone anybody somebody everybody nobody anywhere
  somewhere everywhere really actually basically literally anyway maybe perhaps probably guys gotten
  dont doesnt didnt cant cannot wont wouldnt couldnt shouldnt isnt arent wasnt werent hasnt havent hadnt mustnt
  im ive id youre youve youd youll theyre theyve theyd theyll were weve wed hes shes thats whats wheres whos hows
  whens whys theres heres lets its ill`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);
