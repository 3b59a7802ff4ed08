package vi

import (
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/kldiv/kldiv/optim"
)

// checkpointVersion is bumped when the file layout changes.
const checkpointVersion = 1

type checkpointFile struct {
	Version int
	State   fitState
}

// saveCheckpoint writes the fit's state atomically (a temporary file then
// a rename), so an interrupted write never leaves a torn checkpoint.
func saveCheckpoint(path string, st *fitState, env *Env, opt optim.Optimizer, pcg *rand.PCG) error {
	rng, err := pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("vi: checkpoint: %w", err)
	}
	st.RNG = rng
	st.Params = env.Params.snapshot()
	st.ParamName = st.ParamName[:0]
	for _, sp := range env.Params.List() {
		st.ParamName = append(st.ParamName, sp.Name)
	}
	st.Opt = opt.State()
	st.Run = env.state
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("vi: checkpoint: %w", err)
	}
	if err := gob.NewEncoder(tmp).Encode(checkpointFile{Version: checkpointVersion, State: *st}); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("vi: checkpoint %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("vi: checkpoint %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("vi: checkpoint %s: %w", path, err)
	}
	return nil
}

// readCheckpoint decodes a checkpoint file.
func readCheckpoint(path string) (*fitState, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vi: resume: %w", err)
	}
	defer f.Close()
	var cf checkpointFile
	if err := gob.NewDecoder(f).Decode(&cf); err != nil {
		return nil, fmt.Errorf("vi: resume %s: not a checkpoint: %w", path, err)
	}
	if cf.Version != checkpointVersion {
		return nil, fmt.Errorf("vi: resume %s: checkpoint version %d, want %d", path, cf.Version, checkpointVersion)
	}
	st := cf.State
	if st.Run == nil {
		st.Run = newRunState()
	}
	if st.Run.Plates == nil {
		st.Run.Plates = map[string]*plateState{}
	}
	return &st, nil
}

// applyCheckpoint restores a decoded state into the parameters (which must
// all exist, with the checkpoint's names in order), the optimizer and the
// random source.
func applyCheckpoint(path string, st *fitState, env *Env, opt optim.Optimizer, pcg *rand.PCG) error {
	list := env.Params.List()
	if len(st.ParamName) != len(list) {
		return fmt.Errorf("vi: resume %s: checkpoint has %d parameters, the guide and model have %d", path, len(st.ParamName), len(list))
	}
	for i, sp := range list {
		if st.ParamName[i] != sp.Name {
			return fmt.Errorf("vi: resume %s: parameter %d is %q in the checkpoint, %q now", path, i, st.ParamName[i], sp.Name)
		}
		if len(st.Params[i]) != len(sp.Raw.Val) {
			return fmt.Errorf("vi: resume %s: parameter %q has %d values in the checkpoint, %d now", path, sp.Name, len(st.Params[i]), len(sp.Raw.Val))
		}
	}
	env.state = st.Run
	env.Params.restore(st.Params)
	if st.Opt != nil {
		opt.SetState(st.Opt)
	}
	if err := pcg.UnmarshalBinary(st.RNG); err != nil {
		return fmt.Errorf("vi: resume %s: random state: %w", path, err)
	}
	return nil
}

// checkpointer writes the fit's state to path every `every` steps (when
// both are set) and at the end (when path is set): the Checkpoint option.
type checkpointer struct {
	path  string
	every int
}

// due reports whether a checkpoint is due after step.
func (c checkpointer) due(step int) bool { return c.path != "" && c.every > 0 && step%c.every == 0 }

// save writes the checkpoint, if a path is set.
func (c checkpointer) save(st *fitState, env *Env, opt optim.Optimizer, pcg *rand.PCG) error {
	if c.path == "" {
		return nil
	}
	return saveCheckpoint(c.path, st, env, opt, pcg)
}
