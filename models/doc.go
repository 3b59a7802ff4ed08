// Package models holds ready-made Bayesian models for package vi.
package models
